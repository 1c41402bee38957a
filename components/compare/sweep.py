"""The guided comparison: model 1 vs nothing shared as task relatedness goes from 0 to 1."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.compare.charts import sweep_figure
from components.data.source import using_csv
from components.shell.boundary import guarded
from components.shell.runs import BatchPanel
from components.shell.session import Session
from components.shell.state import training_settings
from components.train.charts import CHART
from models.analysis.palette import LINE_COLOURS
from models.experiments import sweep
from models.experiments.sweep import (
    GAP,
    SWEEP_BATCH,
    SWEEP_DATA,
    SWEEP_EPOCHS,
    SWEEP_LABELS,
    SWEEP_RELATEDNESS,
    SWEEP_SEEDS,
)
from models.spec import ModelSpec, SpecError

POLL_SECONDS = 1.0  # a point appears only when a run ends
PANEL = BatchPanel(Session.cmp_sweep, POLL_SECONDS, "Stop sweep", stop_key="sweep_stop")
SWEEP_BUTTON = "Sweep relatedness 0 → 1: model 1 vs nothing shared"
HOW_TO_READ = (
    f"**How to read it.** Each point is the mean of {SWEEP_SEEDS} fresh runs, one per seed, on "
    "toy data whose four series share a common signal in proportion to the *relatedness* (0: "
    "four unrelated series; 1: one signal, four noisy copies); only the relatedness and the "
    "seed change. Lower is better, and each run counts its best epoch. Model 1 sends every "
    "forecast through one trunk, so each task's data trains the features the others use: when "
    "the tasks are related, four noisy copies of one signal teach the trunk more than any one "
    "copy teaches its own network. When they are not, the tasks compete for one trunk and "
    "sharing makes the forecasts worse — *negative transfer*. The lower chart is the gap per "
    "seed: below 0 sharing helped. A win or a loss is claimed only where every seed agrees "
    "(the bar clears 0); otherwise the gap is *within the spread* — one seed's luck, not a "
    "lesson."
)


def _start(plan: list) -> None:
    """Stop this session's sweep if one is going, then queue all of its runs."""
    PANEL.start(plan, [p.job for p in plan])


def _summary() -> pd.DataFrame:
    batch = PANEL.batch()  # only finished runs count: no half-trained points
    table = sweep.sweep_table(batch.items, batch.histories(finished_only=True))
    return sweep.sweep_summary(table)


def _figure(summary: pd.DataFrame, key: str) -> None:
    st.plotly_chart(
        sweep_figure(summary, SWEEP_LABELS, LINE_COLOURS[: len(SWEEP_LABELS)]),
        key=key,
        config=CHART,
    )


@guarded("live sweep")
def _live() -> None:
    """Polled while the sweep runs: overall progress and the points finished so far."""
    if not PANEL.running():
        return
    PANEL.render_runs_done("Sweep: ")
    _figure(_summary(), "sweep_live")
    PANEL.collect_when_done()


def _results() -> None:
    batch = PANEL.batch()
    if batch is None or batch.running:
        return
    problems = [s.status for s in batch.statuses() if not s.finished]
    if problems:
        st.warning(f"{len(problems)} run(s) did not finish: {problems[0]}", icon="⚠️")
    summary = _summary()
    _figure(summary, "sweep_final")
    st.markdown(sweep.sweep_reading(summary))
    seconds = [s.seconds for s in batch.statuses() if s.seconds is not None]
    st.caption(
        f"{len(batch.handles)} runs, {sum(seconds):.1f} s of training in total "
        "(runs wait for a free worker)."
    )
    st.dataframe(_display(summary), hide_index=True, width="stretch")


def _display(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary as a person reads it: each figure as "mean (min to max)" over the seeds."""
    table = summary[["Relatedness", "Seeds"]].copy()
    for column in (*SWEEP_LABELS, GAP):
        sign = "+" if column == GAP else ""
        table[column] = [
            f"{mean:{sign}.3f} ({low:{sign}.3f} to {high:{sign}.3f})".replace("-", "−")
            for mean, low, high in summary[[column, f"{column} min", f"{column} max"]].values
        ]
    table["Verdict"] = summary["Verdict"]
    return table


def render_sweep(spec: ModelSpec) -> None:
    """The guided relatedness sweep on the sidebar's sizes and training settings."""
    st.subheader("Guided comparison: does sharing help?")
    if using_csv():
        st.caption("The sweep varies how related the toy series are, so it always runs on them.")
    config = training_settings()[1]
    try:
        plan = sweep.sweep_plan(spec, config.validate(spec.n_tasks))
        problem = None
    except SpecError as error:
        plan, problem = [], str(error)
    PANEL.render_controls(
        st.columns([3, 1]),
        SWEEP_BUTTON,
        [p.job for p in plan],
        _start,
        (plan,),
        problem,
        cannot="Cannot run the sweep with these settings",
        key="sweep_start",
        primary=False,
    )
    values = ", ".join(f"{r:g}" for r in SWEEP_RELATEDNESS)
    seeds = ", ".join(str(s) for s in sweep.sweep_seeds(config.seed))
    st.caption(
        f"{len(plan)} runs: both models at relatedness {values}, on seeds {seeds} (from the "
        f"sidebar's seed), {SWEEP_EPOCHS} epochs with batch {SWEEP_BATCH} each. The sweep has "
        f"its own toy data, chosen so the lesson shows: {SWEEP_DATA.samples} windows, "
        f"{SWEEP_DATA.val_samples} for validation, noise {SWEEP_DATA.noise:g}. Sizes and "
        "learning rate come from the sidebar."
    )
    st.markdown(HOW_TO_READ)
    PANEL.render_live(_live)
    _results()
