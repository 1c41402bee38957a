"""Training in worker processes: streaming, stop, diverging, a killed worker, isolation, the
trained model's download."""

from __future__ import annotations

import gc
import os
import signal
import time

import numpy as np
import pytest

from models.data.toy_data import DataSpec, make_dataset
from models.settings import LEARNING_RATE
from models.spec import ModelSpec
from models.training import history as losses
from models.training.engine import TrainConfig
from models.workers.jobs import WORKER_DIED, TrainJob
from models.workers.protocol import worker_pid

# Trains in worker processes or drives many page runs: left out of the quick loop.
pytestmark = pytest.mark.slow


SMALL = ModelSpec(conv_filters=(4, 8), dense_units=(16,), shared_layers=3)


def _wait(handle, seconds: float = 120.0):
    deadline = time.time() + seconds
    while not handle.done():
        assert time.time() < deadline, "job did not finish"
        time.sleep(0.05)
    return handle.outcome()


def _wait_started(handle, seconds: float = 120.0) -> None:
    deadline = time.time() + seconds
    while not (handle.started() and len(handle.rows())):
        assert time.time() < deadline, "job did not start"
        time.sleep(0.05)


def test_job_streams_every_epoch_and_matches_the_result(service):
    handle = service.submit(TrainJob(SMALL, DataSpec(samples=40), TrainConfig(epochs=60)))
    result, error = _wait(handle)
    assert error is None and result.status == "finished"
    rows = handle.rows()
    tasks, layers = SMALL.n_tasks, len(losses.layers_in(result.history))
    pairs = tasks * (tasks - 1) // 2
    # Both means, the pairs before and after PCGrad's projection, the layers, the affinity.
    measures = 2 + 2 * pairs + 2 * layers + tasks * tasks  # see history.frame
    assert layers > 0 and rows.shape == (60, 3 + 2 * tasks + measures)
    assert rows[:, 0].tolist() == list(range(1, 61))
    assert rows[-1, 2] == pytest.approx(result.history["val_total"].iloc[-1], rel=1e-6)
    streamed = handle.history()
    assert list(streamed.columns) == list(result.history.columns)
    np.testing.assert_allclose(streamed["gcos_mean"], result.history["gcos_mean"], rtol=1e-6)
    assert result.history["val_total"].iloc[-1] < result.history["val_total"].iloc[0]
    assert os.getpid() not in service.worker_pids()  # the caller never trains


def test_stop_ends_a_run_early(service):
    handle = service.submit(TrainJob(SMALL, DataSpec(samples=200), TrainConfig(epochs=5000)))
    _wait_started(handle)
    handle.stop()
    result, error = _wait(handle)
    assert error is None and result.status == "stopped"
    assert 0 < result.epochs_run < 5000
    assert handle.model_bytes() is not None  # a stopped run's model can be downloaded too


def test_nan_loss_stops_with_a_learning_rate_hint(service):
    # The largest learning rate allowed: model 1 diverges at it (SMALL does not).
    config = TrainConfig(epochs=300, learning_rate=LEARNING_RATE.high)
    handle = service.submit(TrainJob(ModelSpec(), DataSpec(samples=40), config))
    result, error = _wait(handle)
    assert error is None and result.status == "diverged"
    assert "lower the learning rate" in result.message
    assert handle.model_bytes() is None and handle.model_error() is None


def test_killed_worker_gives_a_clear_error_and_the_next_run_works(service):
    handle = service.submit(TrainJob(SMALL, DataSpec(samples=200), TrainConfig(epochs=5000)))
    _wait_started(handle)
    killed = worker_pid(handle.folder)
    os.kill(killed, signal.SIGKILL)
    result, error = _wait(handle)
    assert result is None and error == WORKER_DIED
    again = service.submit(TrainJob(SMALL, DataSpec(samples=40), TrainConfig(epochs=20)))
    result, error = _wait(again)
    assert error is None and result.status == "finished"
    assert worker_pid(again.folder) != killed  # a new worker took it


def test_queued_jobs_all_finish_in_order(service):
    handles = [
        service.submit(TrainJob(SMALL, DataSpec(samples=40, seed=i), TrainConfig(epochs=30)))
        for i in range(3)
    ]
    assert service.queue_position(handles[-1]) >= 1
    outcomes = [_wait(h) for h in handles]
    assert all(error is None and r.status == "finished" for r, error in outcomes)
    # each job kept to its own data: different seeds, different curves
    assert (
        outcomes[0][0].history["val_total"].iloc[-1] != outcomes[1][0].history["val_total"].iloc[-1]
    )


@pytest.mark.parametrize("variant", ["hard", "towers"])
def test_downloaded_model_loads_safely_and_reproduces_the_forecasts(service, tmp_path, variant):
    import keras

    from models.architectures.variants import VARIANTS

    spec = SMALL.replace(variant=variant, shared_layers=1)
    job = TrainJob(spec, DataSpec(samples=40, val_samples=12), TrainConfig(epochs=15))
    handle = service.submit(job)
    result, error = _wait(handle)
    assert error is None and result.status == "finished"
    path = tmp_path / "model.keras"
    path.write_bytes(handle.model_bytes())
    model = keras.saving.load_model(path, safe_mode=True)
    data = make_dataset(job.data, spec.n_features, spec.timesteps, spec.horizon)
    outputs = model.predict(VARIANTS[variant].split_inputs(spec, data.x_val), verbose=0)
    np.testing.assert_allclose(np.stack(outputs, axis=1), result.val_predictions, atol=1e-5)


def test_a_prepared_spec_trains_without_compiling(service):
    spec = SMALL.replace(kernel_size=2)  # a spec no other test here trains
    service.prepare(spec)
    deadline = time.time() + 120
    while not service.compiled_in(spec):
        assert time.time() < deadline, "the spec was never prepared"
        time.sleep(0.05)
    handle = service.submit(TrainJob(spec, DataSpec(samples=40), TrainConfig(epochs=10)))
    result, error = _wait(handle)
    assert error is None and not result.traced


def _shared_dirty_mb(pid: int) -> float:
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
        line = next(line for line in rollup if line.startswith("Shared_Dirty:"))
    return int(line.split()[1]) / 1024


@pytest.mark.skipif(not os.path.exists("/proc/self/smaps_rollup"), reason="Linux memory maps")
def test_workers_are_forked_from_one_process_that_loaded_tensorflow(service):
    pid = service.call(os.getpid).result(timeout=120)
    assert service.call(os.getppid).result(timeout=60) != os.getpid()  # the fork server's child
    # The fork server froze TensorFlow's objects out of the garbage collector's reach...
    assert service.call(gc.get_freeze_count).result(timeout=60) > 10_000
    # ...and the worker still shares that heap with it instead of holding its own copy.
    assert _shared_dirty_mb(pid) > 50
