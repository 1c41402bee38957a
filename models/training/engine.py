"""Fast, restartable training: a compiled training function per spec, reused by every run.

Each spec's model, Adam optimizer and `tf.function`s are built and traced once per process
(`compiled_model`). A run re-initialises the weights and optimizer state in place, then calls
a compiled function that trains a chunk of epochs per call and returns every epoch's losses.
Learning rate, batch size, seed and the data (any number of samples) are variables or tensor
arguments, so a new run of the same spec never retraces.

Loss: mean squared error per task; the total is the sum of the task losses (Keras' convention
for multi-output models). A train loss is the mean of that epoch's batch losses weighted by batch
size (as Keras reports it); a validation loss is computed on the whole validation set after the
epoch's last update.

Memory follows the batch, not the data set: validation, forecasts, MMoE gates and the conflict
probe run `eval_batch` windows per pass (`eval_windows`): one pass's results, to float32 rounding.

Gradient conflict (`TrainConfig.track_conflict`): see `models.compiled`; it adds the gcos_*
history columns when some weights serve more than one task.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from models import settings as table
from models.architectures.variants import validate
from models.data.toy_data import Dataset
from models.settings import TRAIN_SETTINGS, first_problem
from models.spec import ModelSpec, SpecError
from models.training import history
from models.training.chunks import run_chunks
from models.training.compiled import PROBE_SAMPLES, compiled_model
from models.training.insights import gate_weights, mixing_matrices, unmoved_layers

# Gradient conflict costs most of an epoch each time it is measured: on at most this many epochs
# per run (and the last), the curve stays smooth and tracking adds 14.9 % per epoch (16.7 % at
# 40: benchmarks/train_speed.py); a default 60-epoch run is measured on 30 epochs either way.
MAX_CONFLICT_POINTS = 30
# Windows per forward pass when evaluating: 200 validation windows, the default, in one pass
# (as fast as before batching), while a large set no longer needs memory for all of it at once.
EVAL_WINDOWS = 256


def conflict_every(epochs: int) -> int:
    """Measure the conflict every this many epochs: at most MAX_CONFLICT_POINTS per run."""
    return max(1, -(-epochs // MAX_CONFLICT_POINTS))


def eval_windows(spec: ModelSpec, batch_size: int, windows: int | None = None) -> int:
    """Windows per forward pass for evaluation, forecasts and the conflict probe of `spec`
    trained in batches of `batch_size`: never fewer than a training batch, whose memory the run
    needs anyway; no more than `windows` (the largest set evaluated) when given. The one place
    this is chosen (`models.costs.estimate.eval_batch_windows` will choose it)."""
    size = max(batch_size, EVAL_WINDOWS)
    return min(size, windows) if windows is not None else size


@dataclass(frozen=True)
class TrainConfig:
    """How to train (everything that does not change the model's shape). Hashable."""

    # Defaults and bounds: models.settings.
    epochs: int = table.EPOCHS.default
    learning_rate: float = table.LEARNING_RATE.default
    batch_size: int = table.BATCH_SIZE.default
    seed: int = table.SEED.default
    # How a step combines the tasks' gradients: their sum, or PCGrad (models.training.surgery).
    method: str = table.METHOD.default
    track_conflict: bool = True  # measure gradient conflict on a schedule (see conflict_every)
    task_weights: tuple[float, ...] = table.TASK_WEIGHTS.default  # each task's loss; (): all 1

    def validate(self, n_tasks: int | None = None) -> TrainConfig:
        """Raise `SpecError` naming what to change if a setting is outside its bounds (and,
        given the model's `n_tasks`, if the task weights are not one per task)."""
        found = first_problem(self, TRAIN_SETTINGS)
        weights, label = self.task_weights, table.TASK_WEIGHTS.label.split(" (")[0]
        if not found and weights and not any(w > 0 for w in weights):
            found = f"{label}: at least one must be above 0, or no task trains."
        if not found and weights and n_tasks is not None and len(weights) != n_tasks:
            found = f"{label}: {len(weights)} given for {n_tasks} tasks; give one per task."
        if found:
            raise SpecError(found)
        return self

    def loss_weights(self, n_tasks: int) -> tuple[float, ...]:
        """Each task's weight in a step: the given ones, else 1 each."""
        return self.task_weights or (1.0,) * n_tasks


@dataclass(frozen=True, eq=False)
class TrainResult:
    """What a run produced.

    history: one row per finished epoch: epoch, train_total, val_total, train_task1..N,
    val_task1..N; then, only if some weights serve more than one task and the config tracks
    conflict, the conflict measures (`models.training.history` names them): per task pair,
    per task-shared layer and as task affinity, measured after the epoch's updates on the first
    PROBE_SAMPLES training windows (NaN off the schedule or where a gradient is zero).
    status: "finished", "stopped" or "diverged".
    weights: final weights (as `model.get_weights()` orders them) and val_predictions (N_val,
    n_tasks, horizon) are None when the run diverged or ran no epoch. traced: whether this run
    had to compile. mixing: layer name -> final (T, T) `alpha` of each cross_stitch* layer
    (row i = to task i, column j = from task j); empty when there are none or no weights.
    """

    history: pd.DataFrame
    status: str
    message: str
    epochs_run: int
    seconds: float
    weights: list[np.ndarray] | None
    val_predictions: np.ndarray | None
    traced: bool
    mixing: dict[str, np.ndarray] = field(default_factory=dict)
    gates: np.ndarray | None = None  # MMoE: each task's mean weight per expert (validation set)
    unmoved: tuple[str, ...] = ()  # layers whose weights ended bit-identical to their start
    task_weights: tuple[float, ...] = ()  # method "uncertainty": each task's learned weight


def train(
    spec: ModelSpec,
    data: Dataset,
    config: TrainConfig = TrainConfig(),
    on_progress: Callable[[int, pd.DataFrame], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    chunk_epochs: int | None = None,
    eval_batch: int | None = None,
) -> TrainResult:
    """Train a freshly initialised `spec` model on `data`; the same inputs give the same history.

    After every chunk of epochs, calls `on_progress(epochs_done, history_so_far)` and ends early
    (status "stopped") if `should_stop()` returns True. `chunk_epochs=None` sizes chunks to
    about `chunks.CHUNK_SECONDS` each. Validation, forecasts, gate weights and the conflict
    probe run `eval_batch` windows per forward pass (None: `eval_windows`). Runs of one spec
    wait for each other (they share one model).
    """
    import tensorflow as tf

    start = time.perf_counter()
    config.validate(spec.n_tasks)
    _check_data(spec, data)
    # Capped by the largest set evaluated at once, never by a smaller one: a set that fits one
    # pass then takes one (the probe's 64 windows too, when there are only 20 for validation).
    largest = max(len(data.x_val), min(len(data.x_train), PROBE_SAMPLES))
    eval_batch = _checked_eval_batch(eval_batch or eval_windows(spec, config.batch_size, largest))
    entry = compiled_model(spec)
    with entry.lock:
        traces = entry.trace_count
        entry.reset(
            entry.initial_weights(config.seed),
            config.learning_rate,
            config.loss_weights(spec.n_tasks),
        )
        names = ("x_train", "y_train", "x_val", "y_val")
        arrays = [tf.constant(getattr(data, name), tf.float32) for name in names]
        every = conflict_every(config.epochs) if config.track_conflict else 0
        values = (config.seed, config.batch_size, eval_batch, every, config.epochs - 1)
        settings = [tf.constant(v, tf.int32) for v in values]
        rows, status = run_chunks(
            entry,
            arrays,
            settings,
            config.epochs,
            chunk_epochs,
            on_progress,
            should_stop,
            config.method,
        )
        done = status != "diverged" and len(rows) > 0
        weights = entry.model.get_weights() if done else None
        start_weights = entry.initial_weights(config.seed)
        predictions = entry.predict(arrays[2], settings[2]).numpy() if done else None
        mixing = mixing_matrices(entry.model) if done else {}
        gates = gate_weights(entry.model, data.x_val, eval_batch) if done else None
        learned = entry.weighting.learned() if config.method == "uncertainty" else ()
        traced = entry.trace_count != traces
    return TrainResult(
        history=history.frame(rows, spec.n_tasks, entry.shared.names),
        status=status,
        message=_message(status, len(rows), config),
        epochs_run=len(rows),
        seconds=time.perf_counter() - start,
        weights=weights,
        val_predictions=predictions,
        traced=traced,
        mixing=mixing,
        gates=gates,
        task_weights=learned,
        unmoved=unmoved_layers(entry.model, start_weights, weights) if weights else (),
    )


def predict(
    spec: ModelSpec, weights: list[np.ndarray], x: np.ndarray, eval_batch: int | None = None
) -> np.ndarray:
    """Forecasts (N, n_tasks, horizon) of the `spec` model holding `weights` for x (N, T, F),
    `eval_batch` windows per forward pass (None: `eval_windows` for a default run's batch)."""
    import tensorflow as tf

    eval_batch = _checked_eval_batch(eval_batch or eval_windows(spec, 32, len(x)))  # batch 32
    entry = compiled_model(spec)
    with entry.lock:  # the next run re-initialises everything, so borrowing the model is safe
        entry.reset(weights, 1e-3)
        x = tf.constant(x, tf.float32)
        return entry.predict(x, tf.constant(eval_batch, tf.int32)).numpy()


def _checked_eval_batch(eval_batch: int) -> int:
    if not 1 <= eval_batch < 2**31:
        raise SpecError(f"eval_batch must be between 1 and {2**31 - 1}; got {eval_batch}.")
    return int(eval_batch)


def _message(status: str, epochs_run: int, config: TrainConfig) -> str:
    if status == "diverged":
        return (
            f"Training diverged in epoch {epochs_run + 1} (a loss or weight became NaN or "
            f"infinite): lower the learning rate (now {config.learning_rate:g}) or check the "
            "data for NaN or infinite values."
        )
    if status == "stopped":
        return f"Stopped after {epochs_run} of {config.epochs} epochs."
    return f"Finished {epochs_run} epochs."


def _check_data(spec: ModelSpec, data: Dataset) -> None:
    """Raise `SpecError` if the data's shapes do not fit the spec's inputs and outputs."""
    validate(spec)
    x_shape, y_shape = (spec.timesteps, spec.n_features), (spec.n_tasks, spec.horizon)
    for name, shape in (
        ("x_train", x_shape),
        ("y_train", y_shape),
        ("x_val", x_shape),
        ("y_val", y_shape),
    ):
        array = getattr(data, name)
        if array.ndim != 3 or array.shape[1:] != shape or len(array) == 0:
            needed = ", ".join(map(str, shape))
            raise SpecError(f"{name} has shape {array.shape}; this model needs (N, {needed}).")
