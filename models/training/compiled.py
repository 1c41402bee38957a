"""One spec's compiled training machinery, kept per process so a new run never retraces.

`compiled_model(spec)` builds the model, its Adam optimizer and the `tf.function`s once (a
step per way of combining the tasks' gradients, traced when a run first asks for it) and keeps
them (least recently used first out); `models.training` resets and runs them.

Gradient conflict: after an epoch's updates the chunk can also measure, on a fixed probe batch
(the first PROBE_SAMPLES training windows), how the tasks' loss gradients on the weights that
serve more than one task agree (see `models.training.conflict`).

Memory follows the batch, not the data set: validation, forecasts and the conflict probe run
`eval_batch` windows at a time (a tensor: a new size never retraces), summed over the parts.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import partial

import numpy as np

from models.architectures.variants import VARIANTS, validate
from models.spec import ModelSpec
from models.training.adam import FusedAdam
from models.training.conflict import measure, on_schedule, row_width, task_shared_layers
from models.training.parts import in_parts
from models.training.seeded import seeded_build
from models.training.surgery import pcgrad_step
from models.training.weighting import UncertaintyWeights

PROBE_SAMPLES = 64  # training windows the conflict is measured on: 64 keep it cheap yet stable
CACHE_SIZE = 8  # compiled specs kept per process: the page's spec, Compare's and the sweep's
_CACHE: OrderedDict[ModelSpec, CompiledModel] = OrderedDict()
_CACHE_LOCK = threading.Lock()


class CompiledModel:
    """One spec's model, optimizer and compiled functions. Use it under `lock`."""

    def __init__(self, spec: ModelSpec):
        import tensorflow as tf

        self.spec = spec
        self.lock = threading.Lock()
        self.trace_count = 0  # incremented by the Python body of every compiled function
        self.model = seeded_build(spec, 0)  # its weights are replaced by every run
        # The last seed's initial weights: seed 0's come free with the build above, and a
        # retrain with the same seed needs no build at all (`reset` copies them in).
        self._initial = (0, self.model.get_weights())
        self.optimizer = FusedAdam(self.model.trainable_variables)
        self.weighting = UncertaintyWeights(spec.n_tasks)  # used by method "uncertainty" only
        # Each task's hand-set loss weight (TrainConfig.task_weights), set per run: no retrace.
        self.loss_weights = tf.Variable(tf.ones([spec.n_tasks]), trainable=False)
        self._split = VARIANTS[spec.variant].split_inputs
        self.shared = task_shared_layers(self.model)
        measured = self.shared and spec.n_tasks > 1  # one task alone conflicts with nothing
        self.conflict_width = row_width(spec.n_tasks, len(self.shared.names)) if measured else 0
        t, f, h = spec.timesteps, spec.n_features, spec.horizon
        x_sig, y_sig = tf.TensorSpec([None, t, f]), tf.TensorSpec([None, spec.n_tasks, h])
        int_sig = tf.TensorSpec([], tf.int32)
        self._signature = [x_sig, y_sig, x_sig, y_sig, *[int_sig] * 7]
        self._chunks = {}  # method -> its compiled chunk, traced when a run first asks for it
        self.predict = tf.function(self._predict, input_signature=[x_sig, int_sig])

    def run_chunk(self, method: str = "sum"):
        """The compiled chunk whose steps combine the tasks' gradients by `method`."""
        import tensorflow as tf

        if method not in self._chunks:
            shared = {id(v) for v in self.shared.variables}  # none: nothing to project
            step = self._step
            common = (self._task_losses, self.model.trainable_variables, self.optimizer)
            if method == "pcgrad" and shared:
                step = partial(pcgrad_step, *common, shared, self.loss_weights)
            elif method == "uncertainty":
                step = partial(self.weighting.step, *common, self.loss_weights)
            chunk = partial(self._chunk, step)
            self._chunks[method] = tf.function(chunk, input_signature=self._signature)
        return self._chunks[method]

    def initial_weights(self, seed: int) -> list[np.ndarray]:
        """The weights `build_model(spec)` creates after `keras.utils.set_random_seed(seed)`."""
        if self._initial[0] != seed:
            self._initial = (seed, seeded_build(self.spec, seed).get_weights())
        return self._initial[1]

    def _forward(self, x, training: bool):
        """Predictions stacked as the targets are: (N, n_tasks, horizon)."""
        import tensorflow as tf

        outputs = self.model(self._split(self.spec, x), training=training)
        return tf.stack(outputs if isinstance(outputs, list | tuple) else [outputs], axis=1)

    def _task_losses(self, x, y, training: bool = True):
        """Each task's mean squared error over the windows x and the horizon: (n_tasks,). The
        loss every training step (sum, PCGrad, uncertainty weighting) differentiates."""
        import tensorflow as tf

        return tf.reduce_mean(tf.square(y - self._forward(x, training=training)), axis=[0, 2])

    def _squared_error_sums(self, x, y):
        """Each task's squared error summed over the windows x and the horizon: (n_tasks,)."""
        import tensorflow as tf

        return tf.reduce_sum(tf.square(y - self._forward(x, training=False)), axis=[0, 2])

    def _mean_losses(self, x, y, eval_batch):
        """Each task's mean squared error over all of x, `eval_batch` windows per forward pass."""
        import tensorflow as tf

        n = tf.shape(x)[0]

        def one_pass():  # a default run's 200 validation windows: the computation of old
            return self._task_losses(x, y, training=False)

        def add(start, stop, summed):
            return summed + self._squared_error_sums(x[start:stop], y[start:stop])

        def in_batches():
            summed = in_parts(n, eval_batch, add, tf.zeros([self.spec.n_tasks]))
            return summed / tf.cast(n * self.spec.horizon, tf.float32)

        # No loop when one pass will do: the probe beside it would wait for a loop to end.
        return tf.cond(n <= eval_batch, one_pass, in_batches)

    def _predict(self, x, eval_batch):
        """Forecasts (N, n_tasks, horizon) for x, `eval_batch` windows per forward pass."""
        import tensorflow as tf

        self.trace_count += 1
        shape = [None, self.spec.n_tasks, self.spec.horizon]  # the last part may be shorter
        parts = tf.TensorArray(tf.float32, 0, True, infer_shape=False, element_shape=shape)

        def add(start, stop, parts):
            return parts.write(start // eval_batch, self._forward(x[start:stop], training=False))

        return in_parts(tf.shape(x)[0], eval_batch, add, parts).concat()

    def reset(self, weights: list[np.ndarray], learning_rate: float, loss_weights=None) -> None:
        """Load `weights`, zero the optimizer's moments and step count, set the learning rate
        and each task's loss weight (None: 1 each)."""
        # Eager assignment takes ~3 ms for model 1; a tf.function would save little and cost
        # ~0.3 s of tracing on a spec's first run.
        for variable, value in zip(self.model.weights, weights, strict=True):
            variable.assign(value)
        self.optimizer.reset(learning_rate)
        self.weighting.reset(learning_rate)
        ones = np.ones(self.spec.n_tasks, np.float32)
        self.loss_weights.assign(ones if loss_weights is None else np.float32(loss_weights))

    def _step(self, x, y):
        import tensorflow as tf

        variables = self.model.trainable_variables
        with tf.GradientTape() as tape:
            losses = self._task_losses(x, y)
            total = tf.reduce_sum(losses * self.loss_weights)
        self.optimizer.apply(tape.gradient(total, variables))
        return losses

    def _conflict_measures(self, x, y, eval_batch):
        """Pair cosines, per-layer cosine and Phi, and task affinity (see `conflict.measure`)."""
        import tensorflow as tf

        n = tf.shape(x)[0]
        scale = 1.0 / tf.cast(n * self.spec.horizon, tf.float32)

        def part_losses(start, stop):  # those windows' share of each task's mean over x
            return self._squared_error_sums(x[start:stop], y[start:stop]) * scale

        parts = partial(in_parts, n, eval_batch)
        return measure(
            part_losses, parts, self.shared, self.spec.n_tasks, self.optimizer.learning_rate
        )

    def _chunk(
        self,
        step,
        x,
        y,
        x_val,
        y_val,
        seed,
        first_epoch,
        n_epochs,
        batch_size,
        eval_batch,
        every,
        last_epoch,
    ):
        """Train epochs first_epoch .. first_epoch + n_epochs - 1; one row each. Validation and
        the conflict probe run `eval_batch` windows per forward pass.

        A row is [train loss per task, val loss per task, the conflict measures (see
        `conflict.row_width`; none if no weight serves two tasks; NaN on epochs off the
        conflict schedule: `conflict.on_schedule`)]. Its losses are NaN if a weight is no longer
        finite; stops after the first non-finite losses.
        """
        import tensorflow as tf

        self.trace_count += 1
        n = tf.shape(x)[0]
        n_batches = (n + batch_size - 1) // batch_size
        x_probe, y_probe = x[:PROBE_SAMPLES], y[:PROBE_SAMPLES]
        rows = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        for i in tf.range(n_epochs):
            # Stateless: the order depends only on (seed, epoch), whatever the chunking.
            noise = tf.random.stateless_uniform([n], seed=tf.stack([seed, first_epoch + i]))
            order = tf.argsort(noise)
            summed = tf.zeros([self.spec.n_tasks])
            for b in tf.range(n_batches):
                batch = order[b * batch_size : (b + 1) * batch_size]
                losses = step(tf.gather(x, batch), tf.gather(y, batch))
                summed += losses * tf.cast(tf.size(batch), tf.float32)
            val = self._mean_losses(x_val, y_val, eval_batch)
            losses = tf.concat([summed / tf.cast(n, tf.float32), val], axis=0)
            # A NaN weight can hide behind a finite loss (oneDNN's fused matmul/conv + bias + ReLU
            # kernels output 0 for NaN), so a non-finite weight also marks the epoch diverged.
            finite = [tf.reduce_all(tf.math.is_finite(v)) for v in self.model.trainable_variables]
            losses = tf.where(tf.reduce_all(finite), losses, float("nan"))
            cosines = tf.zeros([0])  # nothing is task-shared: nothing to measure
            if self.conflict_width:
                probe = partial(self._conflict_measures, x_probe, y_probe, eval_batch)
                schedule = (first_epoch + i, every, last_epoch)
                cosines = on_schedule(probe, self.conflict_width, *schedule)
            rows = rows.write(i, tf.concat([losses, cosines], axis=0))
            if not tf.reduce_all(tf.math.is_finite(losses)):
                break
        return rows.stack()

    def save(self, weights: list[np.ndarray], path: str) -> None:
        """Write the model holding `weights` as a `.keras` file (no optimizer state)."""
        with self.lock:  # a run of this spec in another thread would change the weights
            self.model.set_weights(weights)
            self.model.save(path)


def compiled_model(spec: ModelSpec) -> CompiledModel:
    """The process-wide `CompiledModel` of `spec`, built on first use (least recently used go)."""
    validate(spec)
    with _CACHE_LOCK:
        if spec in _CACHE:
            _CACHE.move_to_end(spec)
            return _CACHE[spec]
        entry = _CACHE[spec] = CompiledModel(spec)
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
        return entry
