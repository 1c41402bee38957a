"""The Keras lane: the page's Keras work (code, Lab) done in a worker, kept by what it computed
within a bound in bytes, identical asks joined, a dead worker's ask retried."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from models.architectures.presets import MODEL_2
from models.inspect import code_for_spec
from models.kept import KeptResults
from models.lab.common import lab_sizes
from models.spec import ModelSpec
from models.workers import lane as lane_module
from models.workers.lane import KerasLane
from models.workers.tasks import WorkerEnded

SPEC = MODEL_2.on(ModelSpec())


@pytest.fixture(scope="module")
def lane():
    keras_lane = KerasLane()
    yield keras_lane
    keras_lane.shutdown()


@pytest.mark.slow
def test_the_lane_writes_the_same_code_as_the_builder_in_this_process(lane):
    source, problem = lane.code(SPEC).result(timeout=120)
    assert problem == "" and source == code_for_spec(SPEC)


@pytest.mark.slow
def test_an_answered_ask_is_kept_and_an_identical_one_in_flight_is_joined(lane):
    other = SPEC.replace(shared_layers=0)
    first, second = lane.code(other), lane.code(other)
    assert first is second  # one computation for both
    first.result(timeout=120)
    again = lane.code(other)
    assert again is not first and again.done() and again.result() == first.result()


@pytest.mark.slow
def test_the_lab_comes_back_as_plain_data(lane):
    result = lane.lab(lab_sizes(SPEC)).result(timeout=120)
    assert len(result.demos) == 4 and set(result.seconds) == {d.title for d in result.demos}


@pytest.mark.slow
def test_a_killed_worker_fails_its_ask_with_a_reason_and_the_next_ask_is_computed(lane):
    lane.code(SPEC.replace(kernel_size=2)).result(timeout=120)  # the worker is up
    slow = lane.lab(lab_sizes(SPEC.replace(timesteps=40)))
    (pid,) = lane.pids()
    os.kill(pid, signal.SIGKILL)
    try:
        slow.result(timeout=120)  # it may have finished before the kill
    except WorkerEnded as ended:
        assert ended.reason
        retried = lane.lab(lab_sizes(SPEC.replace(timesteps=40)))
        assert retried is not slow and len(retried.result(timeout=120).demos) == 4


@pytest.mark.slow
def test_many_pages_asking_at_once_while_answers_arrive_all_get_theirs(lane):
    # The pool settles futures under its own lock; a lane holding its lock while submitting
    # would deadlock against that. Eight pages ask for the same few models at once.
    specs = [SPEC.replace(horizon=h) for h in (3, 5, 7)]
    with ThreadPoolExecutor(8) as pages:
        asks = [pages.submit(lambda s=s: lane.code(s).result(timeout=60)) for s in specs * 8]
        results = [ask.result(timeout=120) for ask in asks]
    assert all(source for source, _ in results)


def test_kept_results_stay_within_their_bytes_dropping_the_least_recently_used():
    kept = KeptResults(max_bytes=3_000)
    for key in "abc":
        kept.put(key, "x" * 900)
    assert kept.get("a") is not None  # now the most recently used
    kept.put("d", "x" * 900)
    assert kept.get("b") is None and kept.get("a") is not None and kept.get("d") is not None
    kept.put("huge", "x" * 5_000)  # larger than the whole bound: never kept
    assert kept.get("huge") is None and kept.get("a") is not None


def test_work_asked_ahead_is_skipped_while_the_lane_is_busy(monkeypatch):
    asked = []

    class Pool:
        def __init__(self, *args, **kwargs): ...

        def submit(self, fn, arg, key=None):
            from concurrent.futures import Future

            asked.append(key)
            return Future()  # never finishes: stays pending

    monkeypatch.setattr(lane_module, "WorkerPool", Pool)
    busy = KerasLane()
    for k in range(lane_module.MAX_AHEAD):
        busy.code(SPEC.replace(horizon=k + 1))
    busy.ahead(SPEC, lab_sizes(SPEC))
    assert len(asked) == lane_module.MAX_AHEAD  # nothing more queued
    busy.code(SPEC)  # asked for by a page: always goes
    assert asked[-1] == ("code", SPEC)


@pytest.mark.slow
def test_a_lane_nobody_asks_lets_its_worker_go_and_starts_one_at_the_next_ask():
    resting = KerasLane(idle_seconds=1.0)
    try:
        resting.code(SPEC).result(timeout=120)
        deadline = time.monotonic() + 30
        while resting.pids() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert resting.pids() == []  # no process held while nobody asks
        source, _ = resting.code(SPEC.replace(horizon=2)).result(timeout=120)
        assert source and len(resting.pids()) == 1
    finally:
        resting.shutdown()
