"""The "Your model" tab: a person's own `.keras` file, analysed like the app's own models.

Loading and analysing run in a process of its own, started for the file and ended after it,
within a time and a memory limit (`models.uploads.isolated`): the server only ever holds the
file's bytes and the plain `Analysis` that comes back, and no training worker is involved.
"""

from __future__ import annotations

import streamlit as st

from components.model.graph import render_graph, render_toggles
from components.model.overview import figure, render_metrics, total_figure
from components.model.tables import render_tables
from components.shell.session import Session, session
from models.uploads.examples import EXAMPLE_FILE_NAME, example_model_file
from models.uploads.isolated import run_isolated
from models.uploads.limits import LIMITS_TEXT, MAX_MODEL_MB
from models.uploads.outcome import AnalysedFile, analysis_outcome

FOLD_FROM = 60  # layer objects: a model larger than this starts with its repeats folded
HOW_TO_SAVE = """\
```python
model.save("model.keras")  # Keras 3; then upload model.keras here
```"""


@st.cache_data(max_entries=1, show_spinner=False)
def _example_bytes() -> bytes:
    return run_isolated(example_model_file)


def _current_file() -> tuple[str, bytes] | None:
    """(cache key, bytes) of the last thing chosen: the uploaded file or the example."""
    uploaded = session.upload_file
    if session.upload_source == "example":
        try:
            return "example", _example_bytes()
        except Exception as error:  # its process could not build it: say so, keep the page
            st.error(f"The example could not be built: {error}", icon="🚫")
            return None
    if uploaded is not None:
        return f"upload:{uploaded.file_id}", uploaded.getvalue()
    return None


def _analysed(key: str, data: bytes) -> AnalysedFile:
    """The outcome for this file, worked out once per file in this session."""
    memo: AnalysedFile | None = session.upload_outcome
    if memo is None or memo.key != key:
        with st.spinner("Loading and analysing the model in a process of its own…"):
            memo = AnalysedFile.of(key, analysis_outcome(run_isolated, data))
        session.upload_outcome = memo
    return memo


def _choose(source: str):
    def choose() -> None:
        session.upload_source = source

    return choose


def render_upload() -> None:
    """The uploader, then the same metrics, graph and tables as for the app's own models."""
    st.markdown(
        "Upload a model you built yourself to see which of its layers share weights: every "
        "call of every layer object, nested and shared sub-models opened up "
        "(a layer inside sub-model `encoder` shows as `encoder/conv1`)."
    )
    st.caption(LIMITS_TEXT)
    upload, side = st.columns([3, 1], vertical_alignment="center")
    upload.file_uploader(
        "Your `.keras` file",
        type=["keras"],
        key=Session.upload_file.key,
        max_upload_size=MAX_MODEL_MB,
        on_change=_choose("file"),
    )
    with side:
        st.button(
            "Try an example",
            help="Model 2 with whole towers shared, written as one sub-model",
            on_click=_choose("example"),
        )
        with st.popover("How to save a model"):
            st.markdown(HOW_TO_SAVE)
    current = _current_file()
    if current is None:
        return
    key, data = current
    analysed = _analysed(key, data)
    if analysed.error:
        st.error(analysed.error, icon="🚫")
        return
    if key == "example":
        st.download_button("Download the example file", data, EXAMPLE_FILE_NAME, "application/zip")
    _render_analysis(analysed)


def _render_single_output_metrics(analysis) -> None:
    """A model with one output (a siamese network, an encoder) has no tasks to share across:
    its figures say what tying calls of one layer object saves, against every call with its
    own weights."""
    t = analysis.totals
    tied = [layer for layer in analysis.layers if layer.tied and layer.params]
    reused = [layer for layer in analysis.layers if layer.tied and not layer.params]
    share = t.saved_by_tying / t.unrolled if t.unrolled else 0.0
    with st.container(horizontal=True, wrap=True, gap="small"):
        total_figure(analysis)
        figure(
            "Tied parameters",
            f"{t.tied:,}",
            help="Weights in layer objects called more than once: every call uses them.",
        )
        figure(
            "Saved by tying",
            f"{t.saved_by_tying:,}",
            f"{share:.0%} of {t.unrolled:,}",
            help=f"Against the same model with every call given its own weights "
            f"({t.unrolled:,} parameters).",
        )
        figure("Layer calls", f"{analysis.n_calls:,}")
    sentence = (
        "One output, so there are no tasks to share layers across; what reuse saves is weight "
        f"tying: {t.unrolled:,} (every call with its own weights) − {t.total:,} = "
        f"{t.saved_by_tying:,}, in {len(tied)} tied layer object{'s' * (len(tied) != 1)}."
    )
    if reused:
        names = ", ".join(layer.name for layer in reused[:4]) + (", …" if len(reused) > 4 else "")
        sentence += (
            f" {names} {'is' if len(reused) == 1 else 'are'} called more than once but "
            "hold no weights, so there is nothing to tie."
        )
    st.caption(sentence)


def _render_analysis(analysed: AnalysedFile) -> None:
    if len(analysed.analysis.tasks) <= 1:
        _render_single_output_metrics(analysed.analysis)
    else:
        render_metrics(analysed.analysis)
    Session.upload_view.ensure()
    Session.upload_layout.ensure()
    render_toggles("upload_view", "upload_layout")
    fold = st.toggle(
        "Fold repeated blocks",
        value=analysed.analysis.n_layer_objects > FOLD_FROM,  # a backbone's stages, drawn once
        key=f"upload_fold_{analysed.key}",
        help="Draw each run of identical blocks once, in a box marked '× r identical blocks'.",
    )
    view, layout = session.upload_view, session.upload_layout
    render_graph(analysed.dot(view, layout, fold), analysed.analysis)
    st.subheader("Parameters per layer")
    render_tables(analysed.analysis, key="upload_layer_table")
