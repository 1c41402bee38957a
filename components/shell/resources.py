"""Everything the page caches across reruns, in one place: views import these, not each other.

Only plain data is cached per spec (analyses, DOT text, toy windows); the resource objects are
the server's training service, its Keras lane (which keeps the code and Lab results it
computed, for every visitor, within a bound in bytes) and the graphs' SVG renderer (which
keeps what it drew, within a bound in bytes). The server itself never imports Keras.
"""

from __future__ import annotations

from concurrent.futures import TimeoutError as WaitedTooLong

import streamlit as st

from components.live.view import LIVE_ROOT, served
from models.analysis.graph import to_dot
from models.analysis.palette import conflict_fill
from models.analysis.records import Analysis
from models.analysis.svg import SvgRenderer
from models.costs.budget import Budget, budget_from_environment
from models.costs.estimate import compile_seconds
from models.costs.runs import seconds_of
from models.data.toy_data import DataSpec
from models.inspect import explained_analysis
from models.lab.runner import LabResult
from models.spec import ModelSpec
from models.workers.jobs import TrainingService, service_from_environment
from models.workers.lane import KerasLane
from models.workers.tasks import WorkerEnded

# The longest a page waits for the Keras lane: a cold start (~4 s) plus a Lab at large sizes.
LANE_WAIT_SECONDS = 120


class KerasUnavailable(RuntimeError):
    """The Keras lane could not answer; the message says why and what to do."""


@st.cache_resource(show_spinner=False)
def host_budget() -> Budget:
    """What one run may cost on this host (`LSE_MAX_RUN_SECONDS`, `LSE_MAX_RUN_MB`, ...)."""
    return budget_from_environment()


@st.cache_resource(show_spinner=False)
def training_service() -> TrainingService:
    """One pool of training workers per server, shared by every session (jobs stay private)."""
    return service_from_environment(
        live_root=LIVE_ROOT if served() else None,
        estimate=seconds_of,
        compile_estimate=compile_seconds,
        task_memory_mb=host_budget().max_run_mb,
        tree_mb=host_budget().max_tree_mb,
    )


@st.cache_resource(show_spinner=False)
def svg_renderer() -> SvgRenderer:
    """The one renderer of graphs for every visitor (it keeps what it drew)."""
    return SvgRenderer()


@st.cache_resource(show_spinner=False)
def keras_lane() -> KerasLane:
    """The one worker that builds models for the page (code, Lab), shared by every session."""
    return KerasLane(task_memory_mb=host_budget().max_run_mb)


def _lane_text(future, doing: str) -> str:
    """What the page says while it waits for the Keras lane: `doing`, and, when the lane has
    no process yet (the first ask after a start, or after a minute unasked), that it starts
    one first and about how long that takes."""
    if future.done() or keras_lane().pids():
        return doing
    return (
        f"Starting the model builder (a Keras process of its own)… about 4 s the first time "
        f"after a start, then: {doing[0].lower()}{doing[1:]}"
    )


def from_keras(future, doing: str):
    """Wait for the Keras lane's answer with `doing` on screen."""
    try:
        with st.spinner(_lane_text(future, doing), show_time=True):
            return future.result(timeout=LANE_WAIT_SECONDS)
    except WaitedTooLong:
        raise KerasUnavailable(
            f"Keras did not answer within {LANE_WAIT_SECONDS} s (the app is busy): "
            "reload the page in a minute."
        ) from None
    except WorkerEnded as ended:
        raise KerasUnavailable(f"{ended.reason}. Reload the page to try again.") from None


def code_for(spec: ModelSpec) -> tuple[str | None, str]:
    """(standalone Keras source of `spec`'s model, "") or (None, why it cannot be written)."""
    return from_keras(keras_lane().code(spec), "Writing the model out as Keras code…")


def lab_for(sizes: ModelSpec) -> LabResult:
    """Every Lab demonstration for one size setting; variant and k do not change the lab."""
    return from_keras(
        keras_lane().lab(sizes),
        "Running the Lab's checks in Keras (the Question tab's verdicts come from them)…",
    )


@st.cache_data(max_entries=64, show_spinner=False)
def analysis_for(spec: ModelSpec) -> Analysis:
    """The spec's graph, tables and sentences, worked out without Keras (under a millisecond;
    `tests/unit/test_planned_analysis.py` holds it equal to Keras' own model)."""
    return explained_analysis(spec)


@st.cache_data(max_entries=256, show_spinner=False)
def dot_for(
    spec: ModelSpec, view: str, layout: str, compact: bool = False, cosines: tuple = ()
) -> str:
    """The graph's DOT text for one spec, view and layout (compact: for presenter mode);
    `cosines` ((layer, mean gradient cosine), ...) colour those layers on the conflict scale."""
    fills = {name: conflict_fill(c) for name, c in cosines if c == c}  # NaN: left as it is
    return to_dot(analysis_for(spec), view, layout, compact=compact, fills=fills)


@st.cache_data(max_entries=16, show_spinner=False)
def _toy_dataset(data_spec: DataSpec, spec: ModelSpec):
    return data_spec.materialise(spec)


def dataset(source, spec: ModelSpec):
    """The windows a run of `spec` trains on (numpy only), for the data preview and forecast
    plots."""
    if isinstance(source, DataSpec):  # generated: cache it; own data already holds its windows
        return _toy_dataset(source, spec)
    return source.materialise(spec)
