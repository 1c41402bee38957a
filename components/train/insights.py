"""What a run adds beyond its losses: gradient conflict, cross-stitch mixing, downloads."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.shell.session import Session, session
from components.train.charts import (
    CHART,
    gates_figure,
    labels,
    loss_figure,
    mixing_figure,
)
from components.train.conflict_charts import conflict_figure
from models.training import history as losses
from models.training.compiled import PROBE_SAMPLES
from models.training.engine import MAX_CONFLICT_POINTS, TrainResult
from models.training.history import has_conflict, to_csv
from models.training.insights import gate_reading
from models.workers.handle import JobHandle

CONFLICT_EXPLAINED = (
    "On up to {points} evenly spread epochs, each ends by measuring, on up to {n} training "
    "windows, the cosine similarity between "
    "every two tasks' loss gradients on the weights they share: near 1 a pair pulls those "
    "weights the same way, below 0 against each other (conflict). The thick line is the mean "
    "over all {pairs} pairs; *Show every task pair* draws each one."
)


PROJECTED_EXPLAINED = (
    "This run stepped with **PCGrad**: the dashed line is the same gradients' mean cosine after "
    "its projection (each task's gradient stripped of the part that opposes another's), which is "
    "what each step summed. The thick line is the conflict PCGrad found; the dashed one, what "
    "it left. PCGrad changes the step, not the tasks: the conflict it removes comes back on "
    "the next batch."
)


def conflict_options(container) -> bool:
    """The gradient-conflict settings in a popover; returns whether to measure it."""
    with container.popover("Gradient conflict", icon=":material/tune:", width="stretch"):
        track = st.toggle(
            "Measure it",
            value=True,
            key=Session.track_conflict.key,
            help=f"On up to {MAX_CONFLICT_POINTS} epochs of a run, evenly spread, and its last: "
            "a smooth curve for a small share of the run's time. Applies to the next run.",
        )
        st.toggle(
            "Show every task pair",
            value=False,
            key=Session.conflict_pairs.key,
            help="Draw each task pair's gradient cosine, not only their mean.",
        )
    return track


def render_conflict(history, config, n_tasks: int, show_pairs: bool, key: str, names=()) -> None:
    """The gradient-conflict chart, or one line saying why this run has none."""
    if not has_conflict(history):
        st.caption(f"No gradient-conflict chart: {_why_no_conflict(config, n_tasks)}")
        return
    st.markdown("**Gradient conflict between tasks**")
    pairs = n_tasks * (n_tasks - 1) // 2
    st.caption(CONFLICT_EXPLAINED.format(n=PROBE_SAMPLES, pairs=pairs, points=MAX_CONFLICT_POINTS))
    projected = getattr(config, "method", "sum") == "pcgrad"
    if projected:
        st.caption(PROJECTED_EXPLAINED)
    chart = conflict_figure(history, show_pairs, names, projected)
    st.plotly_chart(chart, key=key, config=CHART)


def _why_no_conflict(config, n_tasks: int) -> str:
    if not getattr(config, "track_conflict", True):
        return "tracking was switched off for this run."
    if n_tasks < 2:
        return "there is only one task, so there is nothing to conflict with."
    return (
        "no weights in this model serve more than one task (each task has its own layers; "
        "cross-stitch units only mix activations), so no two tasks' gradients meet on the "
        "same weights."
    )


def render_mixing(result: TrainResult, names=()) -> None:
    """Heatmaps of each cross-stitch unit's learned mixing matrix, if the model has any."""
    if not result.mixing:
        return
    st.markdown("**Learned cross-stitch mixing**")
    st.caption(
        "Each unit blends the tasks' activations: row i is what task i receives, as weights "
        "on every task j's activations. A diagonal matrix keeps the tasks apart."
    )
    st.plotly_chart(mixing_figure(result.mixing, names), key="mixing", config=CHART)


def render_gates(result: TrainResult, names=()) -> None:
    """MMoE: how much of each expert each task uses, as a heatmap and in words."""
    if result.gates is None:
        return
    st.markdown("**How each task uses the experts**")
    st.caption(
        "Each task's gate weighs the shared experts for every input window; shown is its mean "
        "weight on each expert over the validation windows (a row sums to 100 %). "
        + gate_reading(result.gates, names)
    )
    st.plotly_chart(gates_figure(result.gates, names), key="gates", config=CHART)


def render_task_weights(result: TrainResult, names=()) -> None:
    """Uncertainty weighting: the weight each task's loss ended with (1 at the start)."""
    if not result.task_weights:
        return
    tasks = labels(names, len(result.task_weights))
    weights = ", ".join(f"{t} {w:.2f}" for t, w in zip(tasks, result.task_weights, strict=True))
    st.caption(
        f"Learned loss weights (uncertainty weighting, 1 at the start): {weights}. A task whose "
        "loss stayed high ends with a lower weight: it pulls the shared layers less."
    )


def render_learned(result: TrainResult, names=()) -> None:
    """What a run learned besides its layers' weights: cross-stitch mixing, MMoE gates, and
    uncertainty weighting's loss weights (each only where the run has them)."""
    render_mixing(result, names)
    render_gates(result, names)
    render_task_weights(result, names)


def render_downloads(handle: JobHandle, result: TrainResult) -> None:
    """Download buttons for the loss history (CSV) and the trained model (.keras)."""
    spec = handle.job.spec
    stem = f"{spec.variant}_k{spec.shared_layers}"
    left, right = st.columns(2)
    left.download_button(
        "Loss history (CSV)",
        data=to_csv(result.history),
        file_name=f"loss_{stem}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
    )
    if result.weights is None:
        return  # diverged or no epoch: no model worth keeping
    problem = handle.model_error()
    if problem:
        right.caption(f"The trained model could not be saved: {problem}")
        return
    right.download_button(
        "Trained model (.keras)",
        data=handle.model_bytes,  # read only when clicked
        file_name=f"model_{stem}.keras",
        mime="application/octet-stream",
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
    )


def render_partial(history: pd.DataFrame, n_tasks: int, names=()) -> None:
    """What a run that ended without a result reached: its epochs are kept and drawn."""
    if not len(history):
        return
    st.caption(f"The {len(history):,} epochs it reached before it ended:")
    chart = loss_figure(history, n_tasks, session.log_scale, names)
    st.plotly_chart(chart, key="final_loss", config=CHART)
    render_final_table(history, n_tasks, names)


def render_final_table(history: pd.DataFrame, n_tasks: int, names=()) -> None:
    """Each task's last train and validation loss (mean squared error on the standardised
    series), named by its column when the data has names."""
    rows = [
        {
            "Task": names[t] if names else f"task {t + 1} (feature {t + 1})",
            "Train loss": losses.final(history, losses.task("train", t)),
            "Validation loss": losses.final(history, losses.task("val", t)),
        }
        for t in range(n_tasks)
    ]
    rows.append(
        {
            "Task": "total (sum)",
            "Train loss": losses.final(history, losses.total("train")),
            "Validation loss": losses.final(history, losses.total("val")),
        }
    )
    # A static table: a few rows need no grid, which costs a browser ~0.2 s of CPU to start.
    st.table(
        pd.DataFrame(rows).style.format({"Train loss": "{:.4f}", "Validation loss": "{:.4f}"}),
        hide_index=True,
    )
    st.caption(
        "Losses are mean squared errors on the standardised series (each scaled to "
        "mean 0, standard deviation 1 over the training stretch)."
    )
