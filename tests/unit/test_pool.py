"""The worker pool: jobs go where their key is known, idle workers prepare ahead, a grown worker
is replaced by a spare before it leaves, and no worker leaves its temporary files behind."""

from __future__ import annotations

import os
import signal
import tempfile
import threading
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from models.workers.pool import WorkerPool
from support.logs import worker_log

# Starts worker processes (plain Python, no TensorFlow): a few seconds in all.


def _until(condition, seconds: float = 30.0) -> None:
    deadline = time.time() + seconds
    while not condition():
        assert time.time() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture
def pool():
    workers = WorkerPool(2)
    _until(lambda: len(workers.pids(ready_only=True)) == 2)
    yield workers
    workers.shutdown()


def test_a_job_goes_to_the_worker_that_ran_its_key(pool):
    first = pool.submit(os.getpid, key="a").result(timeout=30)
    other = pool.submit(os.getpid, key="b").result(timeout=30)
    assert other != first  # a new key goes to the worker that knows fewer
    again = [pool.submit(os.getpid, key="a").result(timeout=30) for _ in range(4)]
    assert set(again) == {first}
    assert pool.knowing("a") == [first] and pool.knowing("b") == [other]


def test_a_job_that_lands_where_its_key_is_new_is_logged_once(pool):
    with worker_log() as said:
        worker = pool.submit(os.getpid, key="a").result(timeout=30)
        pool.submit(os.getpid, key="a").result(timeout=30)  # known there now: not logged
    compiles = [line for line in said if "compiles" in line]
    assert compiles == [f"worker {worker} compiles a job's spec first"]


def test_prepare_runs_on_an_idle_worker_once_per_key(pool):
    pool.prepare("spec", time.sleep, 0.1)
    _until(lambda: pool.knowing("spec"))
    (prepared,) = pool.knowing("spec")
    pool.prepare("spec", time.sleep, 0.1)  # known: nothing is run again
    assert pool.submit(os.getpid, key="spec").result(timeout=30) == prepared


def _stamp_then_sleep(folder: str, name: str, seconds: float) -> None:
    """A compile ahead that says when it started."""
    (Path(folder) / name).write_text(str(time.time()))
    time.sleep(seconds)


def test_one_visitors_compiles_ahead_leave_a_worker_free_for_their_click(pool, tmp_path):
    pool.prepare("a", _stamp_then_sleep, str(tmp_path), "a", 1.0, owner="visitor")
    pool.prepare("b", _stamp_then_sleep, str(tmp_path), "b", 1.0, owner="visitor")
    _until(lambda: pool.knowing("a") and pool.knowing("b"))
    started = sorted(float((tmp_path / name).read_text()) for name in "ab")
    assert started[1] - started[0] >= 1.0  # one after the other


def test_several_visitors_compiles_ahead_use_every_idle_worker(pool, tmp_path):
    pool.prepare("a", _stamp_then_sleep, str(tmp_path), "a", 5.0, owner="one visitor")
    pool.prepare("b", _stamp_then_sleep, str(tmp_path), "b", 5.0, owner="another")
    _until(lambda: (tmp_path / "a").exists() and (tmp_path / "b").exists(), seconds=4.0)


def test_a_page_that_moved_on_withdraws_its_compiles_ahead(pool):
    blockers = [pool.submit(time.sleep, 0.5) for _ in range(2)]
    pool.prepare("old", time.sleep, 0.1, owner="visitor")
    pool.prepare("shared", time.sleep, 0.1, owner="visitor")
    pool.withdraw("visitor", keep=("shared",))
    pool.prepare("new", time.sleep, 0.1, owner="visitor")
    assert all(b.result(timeout=30) is None for b in blockers)
    _until(lambda: pool.knowing("new") and pool.knowing("shared"))
    assert pool.knowing("old") == []  # taken newest first: it would have run before "shared"


def test_jobs_go_before_prepares_and_a_cancelled_job_never_runs(pool):
    blockers = [pool.submit(time.sleep, 0.5) for _ in range(2)]
    pool.prepare("later", time.sleep, 0.1)
    cancelled, waiting = pool.submit(os.getpid), pool.submit(os.getpid, key="now")
    assert cancelled.cancel()
    assert waiting.result(timeout=30) in pool.pids()
    assert all(b.result(timeout=30) is None for b in blockers)
    _until(lambda: pool.knowing("later"))
    assert cancelled.cancelled()


def test_a_grown_worker_keeps_serving_until_its_spare_is_ready():
    pool = WorkerPool(1, growth_cap_mb=-1)  # every worker counts as grown after each job
    try:
        first = pool.submit(os.getpid).result(timeout=60)
        _until(lambda: pool.replacements == 1)
        assert first in pool.pids(ready_only=True)  # alone, it serves until the spare is ready
        _until(lambda: first not in pool.pids())  # it left once the spare was ready
        second = pool.submit(os.getpid).result(timeout=60)
        assert second != first and len(pool.pids(ready_only=True)) == 1
    finally:
        pool.shutdown()


def test_a_killed_worker_fails_its_job_and_is_replaced(pool):
    pid = pool.submit(os.getpid, key="k").result(timeout=30)
    folder = Path(pool.submit(tempfile.gettempdir, key="k").result(timeout=30))
    assert folder.is_dir() and pool.submit(os.getpid, key="k").result(timeout=30) == pid
    running = pool.submit(time.sleep, 30, key="k")
    _until(running.running)
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(BrokenProcessPool):
        running.result(timeout=30)
    _until(lambda: not folder.exists())  # its temporary files went with it
    assert pool.submit(os.getpid).result(timeout=30) != pid
    _until(lambda: len(pool.pids()) == 2)


def test_every_worker_writes_temporary_files_in_its_own_folder_removed_at_shutdown():
    pool = WorkerPool(2)
    folders = {pool.submit(tempfile.gettempdir).result(timeout=30) for _ in range(6)}
    assert all(Path(f).is_dir() for f in folders)
    assert os.environ.get("TMPDIR") not in folders  # the server's own stays as it was
    pool.shutdown()
    assert not any(Path(f).exists() for f in folders)


def test_an_error_in_a_job_reaches_its_caller_and_the_worker_goes_on(pool):
    with pytest.raises(ValueError):
        pool.submit(int, "not a number").result(timeout=30)
    assert pool.submit(int, "7").result(timeout=30) == 7


def test_workers_that_cannot_start_fail_the_jobs_instead_of_respawning_forever():
    pool = WorkerPool(1, initializer=os._exit, initargs=(3,))  # every worker dies at once
    try:
        with pytest.raises(BrokenProcessPool, match="cannot start"):
            pool.submit(os.getpid).result(timeout=60)
        assert pool.replacements < 5
    finally:
        pool.shutdown()


def test_with_two_workers_a_grown_one_leaves_before_its_replacement_starts():
    pool = WorkerPool(2, growth_cap_mb=-1)
    try:
        _until(lambda: len(pool.pids(ready_only=True)) == 2)
        first = pool.submit(os.getpid).result(timeout=60)
        _until(lambda: first not in pool.pids())
        # never three processes: the other served meanwhile (its replacement starts just after)
        assert len(pool.pids()) <= 2
        _until(lambda: len(pool.pids(ready_only=True)) == 2)
    finally:
        pool.shutdown()


def _sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.time()))


def test_with_two_workers_grown_at_once_there_are_never_three():
    pool = WorkerPool(2, growth_cap_mb=-1)  # every worker counts as grown after each job
    try:
        _until(lambda: len(pool.pids(ready_only=True)) == 2)
        moment = time.time() + 0.5  # both finish together: both grown and idle at once
        jobs = [pool.submit(_sleep_until, moment) for _ in range(2)]
        counts, deadline = [], time.time() + 30
        while not (all(j.done() for j in jobs) and len(pool.pids(ready_only=True)) == 2):
            assert time.time() < deadline, "the workers were not replaced"
            counts.append(len(pool.pids()))
            time.sleep(0.005)
        assert pool.replacements == 2 and max(counts) == 2  # one served while the other left
    finally:
        pool.shutdown()


def test_a_result_the_pipe_cannot_carry_becomes_an_error_and_the_worker_goes_on(pool):
    with pytest.raises(RuntimeError, match="pickle"):
        pool.submit(threading.Lock).result(timeout=30)  # a lock cannot be pickled
    assert pool.submit(int, "7").result(timeout=30) == 7


def test_a_pool_nobody_asks_keeps_its_idle_size_and_grows_back_when_asked():
    resting = WorkerPool(2, idle_size=1, idle_seconds=0.5)
    try:
        _until(lambda: len(resting.pids()) == 1)  # nothing asked since it started
        jobs = [resting.submit(time.sleep, 0.5) for _ in range(2)]  # two at once: two workers
        _until(lambda: len(resting.pids(ready_only=True)) == 2)
        for job in jobs:
            job.result(timeout=30)
        _until(lambda: len(resting.pids()) == 1)
        assert resting.submit(int, "3").result(timeout=30) == 3
    finally:
        resting.shutdown()


def _warm(keys: tuple, folder: str) -> list:
    """An initializer that "compiles" `keys` and notes which, in a file named by its pid."""
    (Path(folder) / str(os.getpid())).write_text(",".join(keys))
    return list(keys)


def test_a_worker_started_later_skips_the_warm_keys_a_staying_worker_knows(tmp_path):
    resting = WorkerPool(
        2,
        initializer=_warm,
        initargs=(str(tmp_path),),
        idle_size=1,
        idle_seconds=0.5,
        warm_keys=("model1", "model2"),
    )
    try:
        _until(lambda: len(list(tmp_path.iterdir())) == 2)  # both started and compiled
        _until(lambda: len(resting.pids(ready_only=True)) == len(resting.pids()) == 1)  # one went
        (staying,) = resting.pids()
        assert (tmp_path / str(staying)).read_text() == "model1,model2"  # started together
        jobs = [resting.submit(time.sleep, 0.5) for _ in range(2)]  # a burst: a second worker
        _until(lambda: len(resting.pids(ready_only=True)) == 2)
        (started,) = set(resting.pids()) - {staying}
        assert (tmp_path / str(started)).read_text() == ""  # nothing compiled twice
        assert resting.knowing("model1") == [staying]
        for job in jobs:
            job.result(timeout=30)
    finally:
        resting.shutdown()
