"""Train / Stop, live loss and gradient-conflict curves, then the outcome and forecasts."""

from __future__ import annotations

import dataclasses

import numpy as np
import streamlit as st

from components.data.source import training_data
from components.live.chart import template
from components.live.view import (
    SERVER_POLL_SECONDS,
    drawn_columns,
    probes,
    render_live,
)
from components.shell.boundary import guarded
from components.shell.navigation import folded
from components.shell.resources import dataset, training_service
from components.shell.runs import BatchPanel
from components.shell.session import Session, session
from components.shell.state import training_settings
from components.train.charts import (
    CHART,
    data_figure,
    forecast_figure,
    loss_figure,
)
from components.train.conflict import render_plain_reading, render_where_tasks_conflict
from components.train.conflict_charts import conflict_figure
from components.train.head_losses import render_loss_chart
from components.train.insights import (
    conflict_options,
    render_conflict,
    render_downloads,
    render_final_table,
    render_learned,
    render_partial,
)
from components.train.progress import finished_text
from models.costs.budget import describe
from models.costs.runs import cost_of
from models.data.csv_data import series_names, task_names
from models.experiments.configurations import short_name
from models.lab.frozen import frozen_proof
from models.settings import show
from models.spec import ModelSpec, SpecError
from models.workers.jobs import TrainJob

# The tab is a fragment of this key: a click on Train, and a run's end, redraw the tab alone,
# not the sidebar and header too (~0.1 s sooner to "Finished", measured in the browser).
TAB_FRAGMENT = "train_tab"
FINAL_CHART_DRAWN = ".st-key-final_loss .main-svg"  # the finished loss chart, drawn by Plotly
FORECASTS_OPEN = "forecasts_open"  # the forecasts' fold: open, it stays open for later runs
PANEL = BatchPanel(Session.train_batch, SERVER_POLL_SECONDS)


def _start(job: TrainJob) -> None:
    """Stop this session's run if one is going, then start `job` (callback of Train)."""
    session.train_runs += 1  # run numbers are per session
    PANEL.start([session.train_runs], [job])


def _describe(job: TrainJob) -> str:
    s, d, c = job.spec, job.data, job.config
    return (
        f"{short_name(s)} · {c.epochs} epochs, lr {c.learning_rate:g}, "
        f"batch {c.batch_size}, seed {c.seed} · {d.describe()}"
        + (f" · task loss weights {', '.join(map(show, c.task_weights))}" if c.task_weights else "")
        + ("" if c.track_conflict else " · gradient conflict not measured")
    )


@guarded("live training")
def _live_panel(n_tasks: int) -> None:
    """Polled while a job runs: progress, the growing chart, and a full rerun at the end."""
    batch = PANEL.batch()
    if batch is None:
        st.info(
            "Press **Train** to fit this model on the sidebar's data; its loss curves grow here."
        )
        return
    job = batch.handles[0].job
    names = task_names(job.data, n_tasks)
    charts = _live_charts(
        drawn_columns(batch),
        n_tasks,
        session.log_scale,
        session.conflict_pairs,
        job.config.track_conflict,
        names,
        job.config.method == "pcgrad",
    )
    if batch.running:
        reports = batch.progress(training_service(), [""])
        render_live(batch, reports, charts, key="train_live", scope=TAB_FRAGMENT)
    elif len(batch.histories()[0]):  # kept on screen until the final chart below has drawn
        render_live(batch, [], charts, "train_live", TAB_FRAGMENT, FINAL_CHART_DRAWN)


@st.cache_data(max_entries=32, show_spinner=False)
def _live_charts(
    columns,
    n_tasks: int,
    log_scale: bool,
    pairs: bool,
    track: bool,
    names: tuple = (),
    projected: bool = False,
) -> list:
    """The growing loss chart and, if the run measures it, the conflict chart: described
    once per setting, not on every server poll. `names`: the tasks' names (a CSV's columns)."""
    (probe,) = probes(columns)
    charts = [("", template(loss_figure(probe, n_tasks, log_scale, names), columns))]
    if track:  # drawn once the run's file has the cosines
        conflict = conflict_figure(probe, pairs, names, projected)
        charts.append(("Gradient conflict between tasks", template(conflict, columns)))
    return charts


def _outcome(n_tasks: int) -> None:
    batch = PANEL.batch()
    if batch is None or batch.running:
        return
    handle, (result, error) = batch.handles[0], batch.outcomes[0]
    job = handle.job
    names = task_names(job.data, n_tasks)
    if error:
        st.error(error, icon="🚫")
        render_partial(handle.history(), n_tasks, names)
        return
    if result.status == "finished":
        st.success(finished_text(result.epochs_run, result.seconds, batch.waited(0)))
    elif result.status == "stopped":
        st.info(f"Stopped at epoch {result.epochs_run:,}")
    else:
        st.error(result.message, icon="🚫")
    if job.spec.frozen and result.weights is not None:  # the proof that freezing held
        st.caption(frozen_proof(job.spec.frozen, result.unmoved, result.epochs_run))
    if len(result.history):
        render_plain_reading(job.spec, result.history, names)
        render_loss_chart(result.history, n_tasks, session.log_scale, names)
        render_final_table(result.history, n_tasks, names)
        render_downloads(handle, result)

        def mean_conflict() -> None:
            pairs = session.conflict_pairs
            render_conflict(result.history, job.config, n_tasks, pairs, "final_conflict", names)

        render_where_tasks_conflict(job.spec, result.history, "final", names, mean_conflict)
    render_learned(result, names)
    if result.val_predictions is not None:
        _forecast(job, result.val_predictions)


def _forecast(job: TrainJob, predictions: np.ndarray) -> None:
    fold = folded("Forecasts on the validation set", FORECASTS_OPEN)
    if fold is None:
        return
    s = job.spec
    data = dataset(job.data, s)
    with fold:
        window = 1  # a slider needs two windows to choose between (Streamlit refuses min == max)
        if len(data.x_val) > 1:
            window = st.slider("Validation window", 1, len(data.x_val), 1, key="forecast_window")
        w = window - 1
        names = series_names(job.data, s.n_features)
        figure = forecast_figure(
            data.x_val[w], data.y_val[w], predictions[w], names, data.mean, data.std
        )
        st.plotly_chart(figure, key="forecast", config=CHART)
        st.caption(
            "In each series' own units: the model works on standardised series, and its "
            "forecasts are scaled back with the training stretch's mean and standard deviation."
        )


def render_training(spec: ModelSpec) -> None:
    """The Train tab: settings check, buttons, live panel and the run's outcome."""
    training_service()  # start (and warm up) the workers while the person reads the page
    st.fragment(_train_tab, key=TAB_FRAGMENT)(spec)


@guarded("Train tab")  # the page's boundary does not wrap the fragment's own reruns
def _train_tab(spec: ModelSpec) -> None:
    source, problem = training_data(spec)
    left, middle, right, far_right = st.columns([1, 1, 1.4, 1.6])
    config = dataclasses.replace(training_settings()[1], track_conflict=conflict_options(far_right))
    try:
        config.validate(spec.n_tasks)
    except SpecError as error:
        problem = problem or str(error)
    batch, current = PANEL.batch(), TrainJob(spec, source, config)
    right.toggle("Log scale", value=True, key=Session.log_scale.key)
    if PANEL.render_controls((left, middle), "Train", [current], _start, (current,), problem):
        compiled = bool(training_service().compiled_in(spec))
        st.caption(f"Expected time: {describe(cost_of(current), compiled)}.")
    if batch is not None:
        job = batch.handles[0].job
        changed = "" if job == current else " — settings changed since; press Train to run them"
        st.caption(f"Run {batch.items[0]}: {_describe(job)}{changed}")
    PANEL.render_live(_live_panel, spec.n_tasks)
    _outcome(spec.n_tasks)
    if source is None:
        return
    # Drawn only while open: a hidden chart still costs the browser a Plotly render whenever
    # the outcome above it appears or goes (~0.4 s of Plotly's time at model 2's finish).
    data_box = st.expander("The data", key="data_preview_open", on_change="rerun")
    if not data_box.open:
        return
    with data_box:
        data = dataset(source, spec)
        st.caption(source.describe())
        st.plotly_chart(
            data_figure(data.x_train, data.y_train, names=series_names(source, spec.n_features)),
            key="data_preview",
            config=CHART,
        )
        st.caption(
            "Solid: a window's input steps; dashed: the next steps each task forecasts. "
            "Standardised per feature."
        )
