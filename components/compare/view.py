"""The Compare tab: pick configurations, train them all on the same data and seed, compare."""

from __future__ import annotations

import streamlit as st

from components.compare.charts import curves_figure, scatter_figure
from components.compare.grouping import render_grouping, render_trial_pointer
from components.compare.picker import current_configs, render_picker
from components.compare.sweep import render_sweep
from components.data.source import training_data
from components.live.chart import template
from components.live.view import (
    SERVER_POLL_SECONDS,
    drawn_columns,
    probes,
    render_live,
)
from components.shell.boundary import guarded
from components.shell.present import presenting
from components.shell.resources import analysis_for, training_service
from components.shell.runs import BatchPanel
from components.shell.session import Session, session
from components.shell.state import training_settings
from components.train.charts import CHART
from models.data.csv_write import safe_csv
from models.experiments import configurations as compare
from models.experiments.configurations import Configuration
from models.experiments.results import (
    COUNT_COLUMNS,
    MAIN_COLUMNS,
    MB_COLUMNS,
    RunRecord,
    loss_columns,
    results_table,
)
from models.spec import ModelSpec, SpecError
from models.workers.batch import Batch

PANEL = BatchPanel(Session.cmp_batch, SERVER_POLL_SECONDS, stop_label="Stop all")


def _train_all(configs: list[Configuration], jobs: list, colours: dict) -> None:
    """Stop this session's comparison if one is going, then queue one job per configuration."""
    PANEL.start(configs, jobs, colours, [c.label for c in configs])


def _lines(batch: Batch, histories: list) -> list:
    items = batch.items
    return [(c.label, batch.colours[c.spec], h) for c, h in zip(items, histories, strict=True)]


@st.cache_data(max_entries=32, show_spinner=False)
def _live_chart(columns, runs: tuple, n_tasks: int, per_task: bool, log_scale: bool) -> dict:
    """The growing curves of runs ((label, colour), ...), described once per setting."""
    lines = [(label, colour, p) for (label, colour), p in zip(runs, probes(columns), strict=True)]
    return template(curves_figure(lines, n_tasks, per_task, log_scale), columns)


@guarded("live comparison")
def _live() -> None:
    """Polled while the batch runs: a progress bar per run and the growing curves."""
    if not PANEL.running():
        return
    batch = PANEL.batch()
    reports = batch.progress(training_service(), [c.label for c in batch.items])
    runs = tuple((c.label, batch.colours[c.spec]) for c in batch.items)
    n_tasks = batch.items[0].spec.n_tasks
    chart = _live_chart(drawn_columns(batch), runs, n_tasks, session.cmp_per_task, session.cmp_log)
    render_live(batch, reports, [("", chart)], key="cmp_live")


def _results() -> None:
    batch = PANEL.batch()
    if batch is None or batch.running:
        return
    configs, histories = batch.items, batch.histories()
    analyses = [analysis_for(c.spec) for c in configs]
    records = [
        RunRecord(
            c, a.totals, h, s.status, s.seconds, a.extra["cost"], handle.job.config.batch_size
        )
        for c, a, h, s, handle in zip(
            configs, analyses, histories, batch.statuses(), batch.handles, strict=True
        )
    ]
    n_tasks = configs[0].spec.n_tasks
    table = results_table(records, n_tasks)
    per_task = session.cmp_per_task
    st.plotly_chart(
        curves_figure(_lines(batch, histories), n_tasks, per_task, session.cmp_log),
        key="cmp_curves",
        config=CHART,
    )
    shown = table if per_task else table[list(MAIN_COLUMNS)]
    st.dataframe(
        shown.style.format(
            {c: "{:.4f}" for c in loss_columns(shown.columns)}
            | {"Time (s)": "{:.1f}"}
            | {c: "{:.2f}" for c in MB_COLUMNS if c in shown.columns}
            | {c: "{:,}" for c in COUNT_COLUMNS}
        ),
        hide_index=True,
        width="stretch",
    )
    st.plotly_chart(
        scatter_figure(table, [batch.colours[c.spec] for c in configs]),
        key="cmp_scatter",
        config=CHART,
    )
    st.download_button(
        "Download the results (CSV)",
        safe_csv(table),
        file_name="comparison.csv",
        mime="text/csv",
        key="cmp_download",
    )


def _controls(spec: ModelSpec, configs: list[Configuration]) -> None:
    source, problem = training_data(spec)  # the toy series or the uploaded CSV, as in Train
    config = training_settings()[1]
    try:
        config.validate(spec.n_tasks)
    except SpecError as error:
        problem = problem or str(error)
    jobs = compare.build_jobs(configs, source, config) if problem is None else []
    train, stop, per_task, log = st.columns([1, 1, 1, 1], vertical_alignment="center")
    per_task.toggle(
        "Per task", key=Session.cmp_per_task.key, help="A panel per task's validation loss."
    )
    log.toggle("Log scale", key=Session.cmp_log.key)
    PANEL.render_controls(
        (train, stop),
        "Train all",
        jobs,
        _train_all,
        (configs, jobs, session.cmp_colours),
        problem,
        labels=[c.label for c in configs],
    )
    if source is not None:
        st.caption(
            f"Every configuration trains on the same data and seed: {source.describe()}, "
            f"seed {config.seed} · {config.epochs:,} epochs, lr {config.learning_rate:g}, "
            f"batch {config.batch_size} (Training settings in the sidebar)."
        )


def render_compare(spec: ModelSpec) -> None:
    """The Compare tab: configurations on the sidebar's sizes, their runs and results."""
    Session.cmp_per_task.ensure()
    Session.cmp_log.ensure()
    configs = current_configs(spec)
    render_trial_pointer()
    if presenting() and PANEL.batch() is not None:  # the room watches the curves, not the list:
        # folded, the chart after Train all starts on a 1024x768 projector's first screen
        names = ", ".join(c.label for c in configs)
        with st.expander(f"Configurations ({len(configs)}): {names}"):
            render_picker(spec, configs)
    else:
        render_picker(spec, configs)
    _controls(spec, configs)
    PANEL.render_live(_live)
    _results()
    st.divider()
    render_sweep(spec)
    st.divider()
    render_grouping(spec)
