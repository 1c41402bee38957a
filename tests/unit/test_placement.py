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
    owner: object = None


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


def test_seeds_of_a_spec_another_worker_is_running_wait_for_it_while_new_specs_go():
    # The oracle queues each grouping's three seeds together: B starts the next grouping
    # rather than compiling the one A is running, whose seeds then follow each other on A.
    a, b = _knowing("A"), _knowing("B")
    jobs = deque(Job(k) for k in ("g1", "g1", "g1", "g2", "g2", "g2"))
    assert _start_next([a, b], [a, b], jobs) == ("A", "g1")
    assert _start_next([b], [a, b], jobs) == ("B", "g2")
    a.task, a.keys = None, {"g1": True}
    assert _start_next([a], [a, b], jobs) == ("A", "g1")
    assert [j.key for j in jobs] == ["g1", "g2", "g2"]


def test_one_visitors_jobs_overtaking_each_other_are_not_passes():
    a, b = _knowing("A"), _knowing("B")
    jobs = deque(Job(k, owner="v") for k in ("g1", "g1", "g1", "g2", "g2", "g2"))
    _start_next([a, b], [a, b], jobs)
    for _ in range(2):  # B runs the second grouping's seeds while A still runs g1's first
        assert _start_next([b], [a, b], jobs) == ("B", "g2")
        b.task, b.keys = None, {"g2": True}
    assert [j.passed for j in jobs] == [0, 0, 0]  # g1's seeds wait for A, however long
    other = Job("g3", owner="w")
    jobs.append(other)
    take(jobs, other)
    assert [j.passed for j in jobs] == [1, 1, 1]  # another visitor's start is a pass


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
