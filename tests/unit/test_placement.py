"""Which waiting job an idle worker takes (`models.workers.placement`), on plain stand-ins."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from models.workers.placement import OVERTAKES, best_job, take


@dataclass
class Job:
    key: object
    ahead: bool = False
    passed: int = 0


@dataclass
class Worker:
    name: str
    keys: dict = field(default_factory=dict)
    task: Job | None = None
    ready: bool = True
    retiring: bool = False


def _knowing(name: str, *keys: str) -> Worker:
    return Worker(name, dict.fromkeys(keys, True))


def _start_next(idle, workers, jobs) -> tuple[str, str]:
    worker, job = best_job(idle, workers, jobs)
    take(jobs, job)
    worker.task = job
    return worker.name, job.key


def test_compare_runs_each_job_where_it_is_compiled():
    # A compiled "all conv shared" ahead, B "nothing shared"; both know the question's models.
    a = _knowing("A", "model 1", "model 2", "all conv shared")
    b = _knowing("B", "model 1", "model 2", "nothing shared")
    workers = [a, b]
    jobs = deque(Job(k) for k in ("nothing shared", "model 2", "all conv shared", "model 1"))
    assert _start_next(workers, workers, jobs) == ("B", "nothing shared")
    assert _start_next([a], workers, jobs) == ("A", "all conv shared")  # only A can, unbuilt
    b.task = None
    assert _start_next([b], workers, jobs) == ("B", "model 2")
    a.task = None
    assert _start_next([a], workers, jobs) == ("A", "model 1")


def test_a_worker_first_runs_what_only_it_has_compiled():
    # A compiled "all conv shared" ahead; model 2 both know: A takes its own, B model 2.
    a = _knowing("A", "model 1", "model 2", "all conv shared")
    b = _knowing("B", "model 1", "model 2")
    workers = [a, b]
    jobs = deque(Job(k) for k in ("model 2", "all conv shared", "model 1"))
    assert _start_next([a], workers, jobs) == ("A", "all conv shared")
    assert _start_next([b], workers, jobs) == ("B", "model 2")


def test_a_job_known_only_to_a_busy_worker_is_compiled_again_rather_than_idle():
    a, b = _knowing("A", "x"), _knowing("B")
    a.task = Job("y")
    assert _start_next([b], [a, b], deque([Job("x")])) == ("B", "x")


def test_a_spec_nobody_compiled_keeps_its_place_before_ones_everybody_knows():
    # Compare queues its longest first; compiling it first is still the shorter batch.
    a, b = _knowing("A", "model 1"), _knowing("B", "model 1")
    jobs = deque([Job("nothing shared"), Job("model 1")])
    assert _start_next([a, b], [a, b], jobs)[1] == "nothing shared"


def test_a_new_spec_goes_to_the_worker_that_knows_fewer():
    a, b = _knowing("A", "x", "y"), _knowing("B", "z")
    assert _start_next([a, b], [a, b], deque([Job("new")])) == ("B", "new")


def test_a_job_is_passed_at_most_overtakes_times():
    a, b = _knowing("A", "known"), _knowing("B", "new")
    b.task = Job("busy")  # B, busy, knows the first job: A runs what only it knows first
    jobs = deque([Job("new"), *(Job("known") for _ in range(5))])
    order = []
    for _ in range(len(jobs)):
        order.append(_start_next([a], [a, b], jobs)[1])
        a.task = None
    assert order.index("new") == OVERTAKES


def test_a_job_waits_for_its_spec_being_compiled_ahead():
    a, b = _knowing("A"), _knowing("B")
    a.task = Job("x", ahead=True)
    jobs = deque([Job("x")])
    assert best_job([b], [a, b], jobs) is None
    assert best_job([b], [a, b], deque([Job("x"), Job(None)]))[1].key is None
