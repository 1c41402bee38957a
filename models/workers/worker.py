"""Worker side of training: what runs inside a worker process, and the job it runs.

Kept apart from `models.jobs` (the server side) so a worker imports only what it needs.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from models.data.toy_data import DataSpec
from models.spec import ModelSpec
from models.training.compiled import compiled_model
from models.training.engine import TrainConfig, train
from models.training.threads import set_thread_environment
from models.workers.protocol import (
    MODEL_FILE,
    ProgressWriter,
    mark_started,
    stop_asked,
    write_model_error,
)

RUNTIME_WARM_SPEC = ModelSpec(conv_filters=(4, 8), dense_units=(16,), shared_layers=1)  # ~1 s
WORKER_NICENESS = 10  # added to the fork server's 10 (raising it needs no privilege): 19


@dataclass(frozen=True)
class TrainJob:
    """One training run: the model, the data and how to train."""

    spec: ModelSpec
    data: object  # DataSpec or csv_data.OwnData: anything with materialise() and describe()
    config: TrainConfig


def init_worker(warm_specs: tuple[ModelSpec, ...] = ()) -> list[ModelSpec]:
    """Runs once per worker, before its first job: threads, quiet logs, a warm compile.
    Returns the specs it compiled."""
    set_thread_environment()  # already done where the worker was forked from a preload
    # Each spec's compiled model traces its own forecast function once; TensorFlow counts
    # those traces across models as "retracing" and, from the fifth spec a worker compiles,
    # warns of a waste that is not one. The host's log keeps the workers' own records.
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    # The lowest CPU priority, below the page's server and a visitor's browser: the first page
    # after a cold start draws while every worker compiles its warm specs. The Keras lane's
    # worker sits as low (`lane_work.LANE_NICENESS`): neither starves the other.
    os.nice(WORKER_NICENESS)
    # Something is always trained before the worker says it is ready: the pool's memory
    # baseline, taken then, must include TensorFlow's runtime (~80 MB in a forked worker),
    # or the first job would look like a leak.
    warm_specs = warm_specs or (RUNTIME_WARM_SPEC,)
    for spec in warm_specs:
        warm_up(spec)
    return list(warm_specs)


def warm_up(spec: ModelSpec) -> None:
    """Compile `spec`'s training function before any click needs it."""
    data = DataSpec(samples=8, val_samples=4).materialise(spec)
    train(spec, data, TrainConfig(epochs=1, batch_size=8))


def run_job(job: TrainJob, folder: str, progress: str):
    """Worker side: train, appending each epoch's losses to the file `progress`, and save the
    trained model (unless the run diverged) in `folder` (`models.workers.protocol`)."""
    root = Path(folder)
    mark_started(root)
    with ProgressWriter(progress) as out:
        try:
            data = job.data.materialise(job.spec)
            result = train(
                job.spec,
                data,
                job.config,
                on_progress=out.write,
                should_stop=lambda: stop_asked(root),
            )
        finally:  # before the model is saved: the page's request for the outcome overlaps it
            out.end()
    if result.weights is not None:  # finished or stopped; a diverged run has none
        _save_model(job.spec, result.weights, root)
    return result


def _save_model(spec: ModelSpec, weights, root: Path) -> None:
    """Write `root/model.keras` whole or not at all (a reader never sees half a file).

    A model Keras cannot save (say, a custom layer without a config) leaves the reason in
    `root/model-error.txt` instead: the run's losses and forecasts still count.
    """
    partial = root / f"partial-{MODEL_FILE}"  # Keras wants the .keras suffix
    try:
        compiled_model(spec).save(weights, str(partial))
        partial.replace(root / MODEL_FILE)
    except Exception as error:
        partial.unlink(missing_ok=True)
        reason = "the disk is full" if isinstance(error, OSError) and error.errno == 28 else None
        write_model_error(root, reason or f"{type(error).__name__}: {error}")
