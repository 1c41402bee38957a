"""Many visitors on one training service: identical requests join one run, a finished run
answers the next identical request at once, visitors are served in turn, the queue is bounded,
one batch per visitor, and a worker growing past its allowance is ended with the reason."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

from models.data.toy_data import DataSpec
from models.spec import ModelSpec
from models.training.engine import TrainConfig
from models.workers.batch import Batch
from models.workers.jobs import WAITING_PER_WORKER, Busy, TrainingService, TrainJob
from models.workers.pool import WorkerPool
from models.workers.tasks import WorkerEnded

pytestmark = pytest.mark.slow  # trains in worker processes

SMALL = ModelSpec(conv_filters=(4, 8), dense_units=(16,), shared_layers=3)


def _job(seed: int = 0, epochs: int = 30, samples: int = 40) -> TrainJob:
    return TrainJob(SMALL, DataSpec(samples=samples), TrainConfig(epochs=epochs, seed=seed))


def _wait(handle, seconds: float = 120.0):
    deadline = time.time() + seconds
    while not handle.done():
        assert time.time() < deadline, "the run did not end"
        handle.touch()  # as the visitor's page does while it is open
        time.sleep(0.05)
    return handle.outcome()


def test_identical_requests_join_one_run_and_a_finished_one_answers_at_once(service):
    first, second = service.submit(_job(seed=11), "ann"), service.submit(_job(seed=11), "bob")
    assert first.run is second.run  # one run in one worker, watched twice
    (result, error), (again, _) = _wait(first), _wait(second)
    assert error is None and again is result
    np.testing.assert_array_equal(first.history().values, second.history().values)
    time.sleep(1.5)  # housekeeping files the finished run as an answer
    third = service.submit(_job(seed=11), "cid")
    assert third.done() and third.outcome()[0] is result
    other = service.submit(_job(seed=12), "cid")  # another seed is another run
    assert other.run is not first.run
    _wait(other)


def test_one_batch_at_a_time_per_visitor(service):
    batch = Batch.start(service, [1], [_job(epochs=3000, samples=200)], owner="dan")
    with pytest.raises(Busy, match="going already"):
        Batch.start(service, [2], [_job(seed=5)], owner="dan")
    Batch.start(service, [3], [_job(seed=6)], owner="eve")  # another visitor is served
    batch.stop()
    Batch.start(service, [4], [_job(seed=7)], owner="dan")  # once stopped, dan may go again


def test_the_queue_is_bounded_and_says_so():
    own = TrainingService(workers=1)
    handles = []
    try:
        with pytest.raises(Busy, match="busy: 8 runs are waiting"):
            for seed in range(WAITING_PER_WORKER + 2):  # one may already run: +1, then refused
                job = _job(seed=seed + 100, epochs=5000, samples=200)
                handles.append(own.submit(job, owner=f"visitor{seed}"))
        assert WAITING_PER_WORKER <= len(handles) <= WAITING_PER_WORKER + 1
    finally:
        for handle in handles:
            handle.stop()
        own.shutdown()


def _owner_pid(_: str) -> int:
    time.sleep(0.3)
    return os.getpid()


def test_visitors_are_served_in_turn_not_first_come():
    pool = WorkerPool(1)
    try:
        blocker = pool.submit(time.sleep, 1.0)
        order = []
        futures = [pool.submit(_owner_pid, "ann", owner="ann") for _ in range(3)]
        futures.append(pool.submit(_owner_pid, "bob", owner="bob"))
        for name, future in zip(["ann", "ann", "ann", "bob"], futures, strict=True):
            future.add_done_callback(lambda f, name=name: order.append(name))
        for future in futures:
            future.result(timeout=60)
        blocker.result(timeout=60)
        assert order.index("bob") <= 1  # bob waits for at most one of ann's three
    finally:
        pool.shutdown()


def _allocate(megabytes: int) -> None:
    block = np.ones(megabytes * 2**20 // 8)
    time.sleep(3)  # held while the pool looks
    return float(block[0])


def test_a_worker_growing_past_its_allowance_is_ended_with_the_reason():
    pool = WorkerPool(1, task_memory_mb=100)
    try:
        with pytest.raises(WorkerEnded, match="more than this host's 100 MB"):
            pool.submit(_allocate, 400).result(timeout=60)
        assert pool.submit(_allocate, 10).result(timeout=60) == 1.0  # a new worker serves
    finally:
        pool.shutdown()
