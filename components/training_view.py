"""Train / Stop, live loss and gradient-conflict curves, then the outcome and forecasts."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import streamlit as st

from components.charts import data_figure, forecast_figure, loss_figure
from components.data_source import training_data
from components.resources import dataset, training_service
from components.run_insights import (
    conflict_options,
    render_conflict,
    render_downloads,
    render_mixing,
)
from components.state import training_settings
from models.experiments.compare import short_name
from models.spec import ModelSpec, SpecError
from models.training.jobs import TrainJob

POLL_SECONDS = 0.25  # live chart refresh while one job runs; each poll costs ~30 ms of server CPU


def poll_seconds() -> float:
    """The live panel polls less often while many jobs are active, so the server stays
    responsive: every poll of every session redraws its charts in the server process."""
    return POLL_SECONDS * max(1, training_service().active())


def _running() -> bool:
    """A job was started in this session and its outcome has not been collected yet."""
    state = st.session_state
    return (
        state.get("job") is not None and state.get("result") is None and not state.get("run_error")
    )


def _start(job: TrainJob) -> None:
    state = st.session_state
    previous = state.get("job")
    if previous is not None and not previous.done():
        previous.stop()
    state.update(job=training_service().submit(job), result=None, run_error=None)


def _stop() -> None:
    job = st.session_state.get("job")
    if job is not None:
        job.stop()


def _describe(job: TrainJob) -> str:
    s, d, c = job.spec, job.data, job.config
    return (
        f"{short_name(s)} · {c.epochs} epochs, lr {c.learning_rate:g}, "
        f"batch {c.batch_size}, seed {c.seed} · {d.describe()}"
        + ("" if c.track_conflict else " · gradient conflict not measured")
    )


def _progress(job, done: int) -> None:
    total = job.job.config.epochs
    if not job.started():
        ahead = training_service().queue_position(job)
        st.progress(
            0.0,
            text=f"Queued: waiting for a free worker ({ahead} ahead)"
            if ahead
            else "Starting a worker…",
        )
        return
    left = job.seconds_left()
    text = f"Epoch {done:,} / {total:,}" + (f" · about {left:.1f} s left" if left else "")
    st.progress(min(done / total, 1.0), text=text)


def _live_panel(n_tasks: int) -> None:
    """Polled while a job runs: progress, the growing chart, and a full rerun at the end."""
    state = st.session_state
    job = state.get("job")
    if job is None:
        st.info("Press **Train** to fit this model on the toy data; the loss curves grow here.")
        return
    if _running():
        history = job.history()
        _progress(job, len(history))
        if len(history):
            st.plotly_chart(
                loss_figure(history, n_tasks, state["log_scale"]),
                key="live_loss",
                config={"displayModeBar": False},
            )
            if "gcos_mean" in history.columns:  # a few hundred points: cheap to redraw live
                render_conflict(
                    history, job.job.config, n_tasks, state["conflict_pairs"], "live_conflict"
                )
        if job.done():
            state["result"], state["run_error"] = job.outcome()
            st.rerun(scope="app")


def _outcome(n_tasks: int) -> None:
    state = st.session_state
    job, result, error = state.get("job"), state.get("result"), state.get("run_error")
    if error:
        st.error(error, icon="🚫")
        return
    if result is None:
        return
    if result.status == "finished":
        st.success(f"Finished {result.epochs_run:,} epochs in {result.seconds:.1f} s")
    elif result.status == "stopped":
        st.info(f"Stopped at epoch {result.epochs_run:,}")
    else:
        st.error(result.message, icon="🚫")
    if len(result.history):
        st.plotly_chart(
            loss_figure(result.history, n_tasks, state["log_scale"]),
            key="final_loss",
            config={"displayModeBar": False},
        )
        _final_table(result.history, n_tasks)
        render_downloads(job, result)
        render_conflict(
            result.history, job.job.config, n_tasks, state["conflict_pairs"], "final_conflict"
        )
    render_mixing(result)
    if result.val_predictions is not None:
        _forecast(job.job, result.val_predictions)


def _final_table(history: pd.DataFrame, n_tasks: int) -> None:
    last = history.iloc[-1]
    rows = [
        {
            "Task": f"task {t + 1} (feature {t + 1})",
            "Train loss": last[f"train_task{t + 1}"],
            "Validation loss": last[f"val_task{t + 1}"],
        }
        for t in range(n_tasks)
    ]
    rows.append(
        {
            "Task": "total (sum)",
            "Train loss": last["train_total"],
            "Validation loss": last["val_total"],
        }
    )
    st.dataframe(
        pd.DataFrame(rows).style.format({"Train loss": "{:.4f}", "Validation loss": "{:.4f}"}),
        hide_index=True,
        width="stretch",
    )


def _forecast(job: TrainJob, predictions: np.ndarray) -> None:
    s = job.spec
    data = dataset(job.data, s.n_features, s.timesteps, s.horizon)
    st.markdown("**Forecasts on the validation set**")
    window = st.slider("Validation window", 1, len(data.x_val), 1, key="forecast_window")
    st.plotly_chart(
        forecast_figure(data.x_val[window - 1], data.y_val[window - 1], predictions[window - 1]),
        key="forecast",
        config={"displayModeBar": False},
    )


def render_training(spec: ModelSpec) -> None:
    """The Train tab: settings check, buttons, live panel and the run's outcome."""
    state = st.session_state
    training_service()  # start (and warm up) the workers while the person reads the page
    source, problem = training_data(spec)
    left, middle, right, far_right = st.columns([1, 1, 1.4, 1.6])
    config = dataclasses.replace(training_settings()[1], track_conflict=conflict_options(far_right))
    try:
        config.validate()
    except SpecError as error:
        problem = problem or str(error)
    job, current = state.get("job"), TrainJob(spec, source, config)
    running = _running()
    left.button(
        "Train",
        type="primary",
        width="stretch",
        disabled=problem is not None,
        on_click=_start,
        args=(current,),
    )
    middle.button("Stop", width="stretch", disabled=not running, on_click=_stop)
    right.toggle("Log scale", value=True, key="log_scale")
    if problem:
        st.error(f"Cannot train with these settings: {problem}", icon="🚫")
    if job is not None:
        changed = "" if job.job == current else " — settings changed since; press Train to run them"
        st.caption(f"Run {job.id}: {_describe(job.job)}{changed}")
    # In its own container, so a poll still in flight when the run ends cannot touch
    # the elements drawn after it (the outcome message was seen to vanish otherwise).
    with st.container():
        st.fragment(_live_panel, run_every=poll_seconds() if running else None)(spec.n_features)
    _outcome(spec.n_features)
    if source is None:
        return
    with st.expander("The data"):
        data = dataset(source, spec.n_features, spec.timesteps, spec.horizon)
        st.caption(source.describe())
        st.plotly_chart(
            data_figure(data.x_train, data.y_train),
            key="data_preview",
            config={"displayModeBar": False},
        )
        st.caption(
            "Solid: a window's input steps; dashed: the next steps each task forecasts. "
            "Standardised per feature."
        )
