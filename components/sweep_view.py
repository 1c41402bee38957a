"""The guided comparison: model 1 vs nothing shared as task relatedness goes from 0 to 1."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.boundary import guarded
from components.charts import CHART
from components.compare_charts import sweep_figure
from components.data_source import using_csv
from components.resources import training_service
from components.state import training_settings
from models.analysis.palette import LINE_COLOURS
from models.experiments import sweep
from models.experiments.sweep import SWEEP_EPOCHS, SWEEP_LABELS, SWEEP_RELATEDNESS
from models.spec import ModelSpec, SpecError
from models.training.batch import Batch

SWEEP = "cmp_sweep"
POLL_SECONDS = 1.0  # a point appears only when a run ends
SWEEP_BUTTON = "Sweep relatedness 0 → 1: model 1 vs nothing shared"
HOW_TO_READ = (
    "**How to read it.** Each point is a fresh run on toy data whose four series share a "
    "common signal in proportion to the *relatedness* (0: four unrelated series; 1: one "
    "signal, four noisy copies); everything else (sizes, seed, noise, windows, learning rate) "
    "stays the same. Lower is better. Model 1 sends every forecast through one trunk, so each "
    "task's data trains the features the others use: that should pay off when the tasks are "
    "related. When they are not, the tasks compete for one trunk and sharing can make every "
    "forecast worse — *negative transfer*. Where the model 1 line lies below the "
    "nothing-shared line, sharing helped; above it, it hurt. One seed on a hundred windows is "
    "noisy: change the seed in the sidebar to see how much of a gap is real."
)


def _batch() -> Batch | None:
    return st.session_state.get(SWEEP)


def _running() -> bool:
    return _batch() is not None and _batch().running


def _start(plan: list) -> None:
    """Stop this session's sweep if one is going, then queue all of its runs."""
    if _batch() is not None:
        _batch().stop()
    st.session_state[SWEEP] = Batch.start(training_service(), plan, [p.job for p in plan])


def _stop() -> None:
    if _batch() is not None:
        _batch().stop()


def _summary() -> pd.DataFrame:
    batch = _batch()  # only finished runs count: no half-trained points
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
    if not _running():
        return
    handles = _batch().handles
    done = sum(h.done() for h in handles)
    st.progress(done / len(handles), text=f"Sweep: {done} of {len(handles)} runs done")
    _figure(_summary(), "sweep_live")
    if _batch().collect_if_done():
        st.rerun(scope="app")


def _results() -> None:
    batch = _batch()
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
    losses = [c for c in summary.columns if c != "Relatedness"]
    st.dataframe(
        summary.style.format({c: "{:.4f}" for c in losses} | {"Relatedness": "{:g}"}),
        hide_index=True,
        width="stretch",
    )


def render_sweep(spec: ModelSpec) -> None:
    """The guided relatedness sweep on the sidebar's sizes and training settings."""
    st.subheader("Guided comparison: does sharing help?")
    if using_csv():
        st.caption("The sweep varies how related the toy series are, so it always runs on them.")
    data_spec, config = training_settings()
    try:
        plan = sweep.sweep_plan(spec, data_spec.validate(), config.validate())
        problem = None
    except SpecError as error:
        plan, problem = [], str(error)
    running = _running()
    start, stop = st.columns([3, 1])
    start.button(
        SWEEP_BUTTON,
        key="sweep_start",
        disabled=problem is not None,
        on_click=_start,
        args=(plan,),
        width="stretch",
    )
    stop.button(
        "Stop sweep",
        key="sweep_stop",
        disabled=not running,
        on_click=_stop,
        width="stretch",
    )
    if problem:
        st.error(f"Cannot run the sweep with these settings: {problem}", icon="🚫")
    values = ", ".join(f"{r:g}" for r in SWEEP_RELATEDNESS)
    st.caption(
        f"{len(plan)} runs: both models at relatedness {values}, {SWEEP_EPOCHS} epochs each; "
        "sizes, seed, noise, windows, learning rate and batch from the sidebar."
    )
    st.markdown(HOW_TO_READ)
    # In its own container, so a poll still in flight when the run ends cannot touch
    # the elements drawn after it (the outcome message was seen to vanish otherwise).
    with st.container():
        st.fragment(_live, run_every=POLL_SECONDS if running else None)()
    _results()
