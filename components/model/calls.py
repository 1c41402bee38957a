"""The call inspector: one layer object's calls side by side, what each computes for one window
and each call's part of the object's gradient by task (computed in the Keras lane)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from components.data.source import training_data
from components.shell.resources import KerasUnavailable, from_keras, keras_lane
from components.shell.session import session
from components.shell.state import training_settings
from components.train.charts import CHART, chart_layout
from models.analysis.palette import CONFLICT_SCALE
from models.analysis.records import Analysis
from models.data.csv_data import task_names
from models.lab.calls import CallInspection, keras_output_sentence
from models.spec import ModelSpec

PER_ROW = 4  # heatmaps side by side; model 2's four conv1 calls fit one row
# The graph's diverging colours with 0 see-through: a zero reads as the page's own background,
# light or dark, instead of a white block on a dark page.
ZERO_CLEAR = [[0.0, CONFLICT_SCALE[0]], [0.5, "rgba(128, 128, 128, 0)"], [1.0, CONFLICT_SCALE[-1]]]


def inspectable(analysis: Analysis) -> list[str]:
    """Layer objects with weights, those called more than once first, then shared ones."""
    weighted = [layer for layer in analysis.layers if layer.params > 0]
    ranked = sorted(weighted, key=lambda layer: (not layer.tied, not layer.shared))
    return [layer.name for layer in ranked]


def _last_run(spec: ModelSpec):
    """(job, weights) of this session's finished Train run of exactly `spec`, else None."""
    batch = session.train_batch
    if batch is None or batch.running or batch.handles[0].job.spec != spec:
        return None
    result = batch.results()[0]
    return (
        None if result is None or result.weights is None else (batch.handles[0].job, result.weights)
    )


def render_call_inspector(spec: ModelSpec, analysis: Analysis) -> None:
    """Pick a layer object (and which weights); see every call of it."""
    names = inspectable(analysis)
    if not names:
        st.info("This model has no layer with weights to inspect.")
        return
    left, right = st.columns([1, 1.4])
    layer = left.selectbox(
        "Layer object",
        names,
        key="inspect_layer",
        format_func=lambda name: _label(analysis, name),
        help="Its calls share one set of weights; each call has its own input and output.",
    )
    last = _last_run(spec)
    choices = ["start"] + (["trained"] if last else [])
    seed = training_settings()[1].seed
    which = right.radio(
        "Weights",
        choices,
        key="inspect_weights",
        horizontal=True,
        format_func={
            "start": f"as Train starts (seed {seed})",
            "trained": "after your last run",
        }.get,
        help="After a run of exactly this model on the Train tab, its trained weights too.",
    )
    if which == "trained" and last:
        job, weights = last
        data, seed = job.data, job.config.seed
    else:
        data, weights = training_data(spec)[0], None
    future = keras_lane().calls(spec, layer, data, seed, weights)
    try:
        inspection = from_keras(future, f"Running each call of {layer} on one window…")
    except KerasUnavailable as error:
        st.warning(str(error), icon="⏳")
        return
    st.caption(keras_output_sentence(layer, analysis.layer(layer).n_calls))
    _heatmaps(inspection)
    _gradient_table(inspection, task_names(data, spec.n_tasks), spec.n_tasks)


def _label(analysis: Analysis, name: str) -> str:
    layer = analysis.layer(name)
    calls = f"{layer.n_calls} calls" if layer.tied else "1 call"
    return f"{name} · {calls}" + (" · shared" if layer.shared else "")


def _heatmaps(inspection: CallInspection) -> None:
    """Each call's output for the window: time steps across, channels up, one colour scale."""
    calls = inspection.calls
    extent = max(float(abs(c.activations).max()) for c in calls) or 1.0
    for start in range(0, len(calls), PER_ROW):
        row = calls[start : start + PER_ROW]
        fig = make_subplots(
            rows=1,
            cols=len(row),
            subplot_titles=[f"call {c.number}" for c in row],
            horizontal_spacing=0.06,
        )
        for i, call in enumerate(row):
            fig.add_trace(
                go.Heatmap(
                    z=call.activations.T,  # a row per channel
                    colorscale=ZERO_CLEAR,
                    zmin=-extent,
                    zmax=extent,
                    showscale=i == len(row) - 1,
                    hovertemplate="step %{x}, channel %{y}: %{z:.3f}<extra></extra>",
                ),
                row=1,
                col=i + 1,
            )
        fig.update_xaxes(title_text="time step", showgrid=False)
        fig.update_yaxes(showgrid=False)
        fig.update_yaxes(title_text="channel", col=1)
        fig.update_annotations(font_size=12)
        st.plotly_chart(chart_layout(fig, 240), config=CHART, key=f"calls_{start}")
    window = f"validation window {inspection.window + 1}"
    trimmed = " (the last time steps and first channels that fit)" if inspection.trimmed else ""
    shapes = dict.fromkeys(f"{c.input_shape} → {c.output_shape}" for c in calls)
    each = "every call " if len(calls) > 1 and len(shapes) == 1 else ""
    st.caption(
        f"Each call's output on {window}{trimmed}, one colour scale for all calls (0: no "
        f"colour). Shapes, batch axis first: {each}{'; '.join(shapes)}."
    )


def _gradient_table(inspection: CallInspection, names: tuple, n_tasks: int) -> None:
    """Rows: calls; columns: tasks; cells: the size of that call's part of that task's pull."""
    columns = list(names) or [f"task {t + 1}" for t in range(n_tasks)]
    table = pd.DataFrame(
        [call.gradient_by_task for call in inspection.calls],
        index=[f"call {c.number}" for c in inspection.calls],
        columns=columns,
    )
    st.markdown(f"**Each call's part of {inspection.layer}'s gradient, by task** (L2 norm)")
    largest = float(table.to_numpy().max()) or 1.0
    bars = {
        name: st.column_config.ProgressColumn(name, format="%.4f", min_value=0.0, max_value=largest)
        for name in columns
    }
    st.dataframe(table, column_config=bars)
    check = inspection.parts_add_up
    verdict = "add up to" if check.passed else "do NOT add up to"
    st.caption(
        f"The parts {verdict} the gradient Keras computes for the summed loss (largest "
        f"difference {check.max_abs_diff:.1e}; its norm {inspection.gradient_norm:.3g}): one "
        "set of weights, one gradient, made of one part per call and task. A 0 means that "
        "call's output never reaches that task's head."
    )
