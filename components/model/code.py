"""'Show code' for the current model, and downloads of that code and of the graph."""

from __future__ import annotations

import streamlit as st

from components.shell.resources import KerasUnavailable, code_for
from models.analysis.dot_render import dot_binary, render_dot
from models.analysis.records import Analysis
from models.spec import ModelSpec

MIME = {
    "py": "text/x-python",
    "dot": "text/vnd.graphviz",
    "svg": "image/svg+xml",
    "png": "image/png",
}


@st.cache_data(max_entries=32, show_spinner=False)
def graph_image(dot: str, fmt: str) -> bytes:
    """The graph rendered by Graphviz, once per graph text and format."""
    return render_dot(dot, fmt)


def _download(column, label: str, data, stem: str, ext: str) -> None:
    column.download_button(
        label,
        data,
        file_name=f"{stem}.{ext}",
        mime=MIME[ext],
        key=f"download_{ext}",
        on_click="ignore",  # a download changes nothing on the page: no rerun
        icon=":material/download:",
        width="stretch",
    )


def render_code(spec: ModelSpec, analysis: Analysis, dot: str) -> None:
    """The model's Keras code in an expander, then download buttons for the code and graph."""
    stem = f"model_{spec.variant}_k{spec.shared_layers}"
    try:
        source, problem = code_for(spec)
    except KerasUnavailable as error:
        source, problem = None, str(error)
    if source is None:
        st.warning(f"This model's code cannot be shown: {problem}", icon="⚠️")
    if source is not None:
        objects, calls = analysis.n_layer_objects, analysis.n_calls
        with st.expander("Show code: standalone Keras that builds this model"):
            st.caption(
                f"{objects} layer objects, {calls} calls. Each object is created once; "
                "a call marked *same weights* uses an object again, which is how Keras shares."
            )
            st.code(source, language="python")
    has_dot = dot_binary() is not None
    columns = st.columns(4)
    if source is not None:
        _download(columns[0], "Code (.py)", source, stem, "py")
    _download(columns[1], "Graph (.dot)", dot, stem, "dot")
    if has_dot:
        # Rendered only when clicked (a callable), so moving a slider never waits for Graphviz.
        _download(columns[2], "Graph (.svg)", lambda: graph_image(dot, "svg"), stem, "svg")
        _download(columns[3], "Graph (.png)", lambda: graph_image(dot, "png"), stem, "png")
    else:
        st.caption("SVG/PNG need Graphviz; the DOT file opens in any Graphviz viewer.")
