"""Which waiting job an idle worker takes (`models.workers.placement`), on plain stand-ins."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from models.workers.placement import OVERTAKES, best_job, held, quiet, take


@dataclass
class Job:
    key: object
    ahead: bool = False
    passed: int = 0
    owner: object = None
    seconds: float | None = None
    compile_seconds: float = 0.0


@dataclass
class Worker:
    name: str
    keys: dict = field(default_factory=dict)
    task: Job | None = None
    free_at: float | None = None
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


def _six_visitors_at_the_click():
    """Six visitors' k's compiled ahead, k1 and k3 on A, k2 and k4 on B; A runs k0 (2 s left)."""
    a, b = _knowing("A", "k0", "k1", "k3"), _knowing("B", "k0", "k2", "k4")
    a.task, a.free_at = Job("k0", owner="v0"), 102.0
    return a, b


def test_a_job_waits_for_the_busy_worker_that_knows_it_when_that_is_sooner_than_a_compile():
    a, b = _six_visitors_at_the_click()
    k1 = Job("k1", owner="v1", compile_seconds=2.6)
    assert held(k1, [a, b], now=100.0)
    assert best_job([b], [a, b], deque([k1]), now=100.0) is None  # B idles ~2 s, no compile
    k2 = Job("k2", owner="v2", compile_seconds=2.6)
    assert best_job([b], [a, b], deque([k1, k2]), now=100.0) == (b, k2)  # what B knows
    # Without a clock (or an estimate) nothing waits: as before, B compiles k1 at once.
    assert best_job([b], [a, b], deque([k1]))[1] is k1
    assert not held(Job("k1", owner="v1"), [a, b], now=100.0)


def test_a_job_stops_waiting_when_the_wait_would_outlast_a_compile():
    a, b = _six_visitors_at_the_click()
    k1 = Job("k1", owner="v1", compile_seconds=2.6)
    a.free_at = 110.0  # A is 10 s from free: compiling k1 on B is sooner
    assert best_job([b], [a, b], deque([k1]), now=100.0) == (b, k1)
    a.free_at = 97.0  # A is 3 s overdue (the estimate was wrong): stop waiting for it
    assert best_job([b], [a, b], deque([k1]), now=100.0) == (b, k1)
    a.free_at = 99.0  # 1 s overdue: still about to end
    assert held(k1, [a, b], now=100.0)


def test_a_waiting_job_goes_after_overtakes_passes_or_when_an_idle_worker_knows_it():
    a, b = _six_visitors_at_the_click()
    k1 = Job("k1", owner="v1", compile_seconds=2.6, passed=OVERTAKES)
    assert not held(k1, [a, b], now=100.0)
    k3 = Job("k3", owner="v3", compile_seconds=2.6)
    b.keys["k3"] = True
    assert not held(k3, [a, b], now=100.0)
    a.retiring, b.keys = True, {}  # a retiring worker is replaced after its task: never wait
    assert not held(Job("k1", compile_seconds=2.6), [a, b], now=100.0)
    assert not held(Job("k0", compile_seconds=2.6), [a, b], now=100.0)  # nor for its run's spec


def test_compiles_ahead_wait_while_a_run_goes_and_keep_a_worker_for_a_click():
    a, b = _knowing("A"), _knowing("B")
    assert quiet([a, b], [a, b], [Job("x", ahead=True, owner="v")], size=2)
    assert not quiet([b], [a, b], [Job("x", ahead=True, owner="v")], size=2)  # one left
    asked = [Job("x", ahead=True, owner="v"), Job("y", ahead=True, owner="w")]
    assert quiet([b], [a, b], asked, size=2)  # two visitors' pages wait for compiles
    a.task = Job("run", owner="u")
    assert not quiet([b], [a, b], asked, size=2)  # a run goes: it keeps the CPU
