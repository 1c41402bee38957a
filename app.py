"""Layer Sharing Explorer: pick a variant and how many layers are shared; see the model live."""

from __future__ import annotations

import streamlit as st

from components.compare_view import render_compare
from components.graph_view import render_graph, render_toggles
from components.overview import render_explanation, render_metrics
from components.sidebar import render_sidebar
from components.state import init_from_url, spec_from_widgets, write_url
from components.tables_view import render_tables
from components.training_view import render_training
from models.spec import ModelSpec, SpecError


@st.cache_data(max_entries=64, show_spinner="Building the Keras model…")
def analysis_for(spec: ModelSpec):
    """Build and analyse once per spec; only plain data is cached."""
    from models.inspect import inspect_spec

    return inspect_spec(spec)


@st.cache_data(max_entries=256, show_spinner=False)
def dot_for(spec: ModelSpec, view: str, layout: str) -> str:
    from models.graph import to_dot

    return to_dot(analysis_for(spec), view, layout)


def main() -> None:
    """One run of the page."""
    st.set_page_config(page_title="Layer Sharing Explorer", page_icon="🔗", layout="wide")
    init_from_url()
    render_sidebar()
    spec, problems = spec_from_widgets()

    st.title("Layer Sharing Explorer")
    st.caption(
        "In Keras a layer is shared by calling one layer object more than once. "
        "Pick a variant and how many layers are shared; the model is built live."
    )
    url_warnings = st.session_state["url_warnings"] if spec == st.session_state["url_spec"] else []
    for warning in url_warnings + problems:
        st.warning(warning, icon="⚠️")

    try:
        spec.validate()
    except SpecError as error:
        st.error(f"This model cannot be built: {error}", icon="🚫")
        return

    st.session_state["last_good_spec"] = spec
    write_url(spec)
    analysis = analysis_for(spec)
    render_metrics(analysis)
    model_tab, train_tab, compare_tab = st.tabs(["Model", "Train", "Compare"], key="tab")
    with model_tab:
        render_explanation(analysis)
        render_toggles()
        render_graph(dot_for(spec, st.session_state["view"], st.session_state["layout"]), analysis)
        st.subheader("Parameters per layer")
        render_tables(analysis)
    with train_tab:
        render_training(spec)
    with compare_tab:
        render_compare(spec, analysis_for)


# Streamlit runs this file as __main__; training workers are spawned processes that re-import
# the main module as __mp_main__, and must not draw the page.
if __name__ == "__main__":
    main()
