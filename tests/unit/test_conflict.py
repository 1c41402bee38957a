"""Per-layer gradient conflict, task affinity and the conflict left after PCGrad's projection,
checked against a direct GradientTape."""

from __future__ import annotations

import numpy as np
import pytest

from models.architectures.variants import VARIANTS, build_model
from models.data.toy_data import DataSpec
from models.spec import ModelSpec
from models.training import history as losses
from models.training.compiled import PROBE_SAMPLES, compiled_model
from models.training.engine import TrainConfig, train

# Trains: left out of the quick loop.
pytestmark = pytest.mark.slow

TINY = ModelSpec(
    n_features=3, timesteps=6, horizon=2, conv_filters=(3, 2), dense_units=(5,), shared_layers=2
)


def _direct(spec: ModelSpec, weights, x, y, learning_rate: float) -> dict[str, float]:
    """Every measure the history holds, computed one task and one layer at a time, each on all
    of x at once."""
    import tensorflow as tf

    model = build_model(spec)
    model.set_weights(weights)
    inputs = VARIANTS[spec.variant].split_inputs(spec, x)
    layers = compiled_model(spec).shared.names

    def task_loss(t: int):
        outputs = model(inputs, training=False)
        return tf.reduce_mean(tf.square(y[:, t] - outputs[t]))

    variables = {name: model.get_layer(name).trainable_variables for name in layers}
    everything = [v for name in layers for v in variables[name]]
    grads = []
    for t in range(spec.n_tasks):
        with tf.GradientTape() as tape:
            loss = task_loss(t)
        grads.append([g.numpy() for g in tape.gradient(loss, everything)])

    def flat(t: int, names) -> np.ndarray:
        chosen = {id(v) for name in names for v in variables[name]}
        return np.concatenate(
            [g.ravel() for v, g in zip(everything, grads[t], strict=True) if id(v) in chosen]
        )

    def cos(a, b):
        return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))

    def phi(a, b):
        na, nb = np.linalg.norm(a), np.linalg.norm(b)
        return float(2 * na * nb / (na**2 + nb**2))

    pairs = losses.task_pairs(spec.n_tasks)
    found = {losses.pair(i, j): cos(flat(i, layers), flat(j, layers)) for i, j in pairs}
    for name in layers:
        found[losses.layer_cosine(name)] = np.mean(
            [cos(flat(i, [name]), flat(j, [name])) for i, j in pairs]
        )
        found[losses.layer_phi(name)] = np.mean(
            [phi(flat(i, [name]), flat(j, [name])) for i, j in pairs]
        )
    # PCGrad's projection on the flat gradients, as the paper writes it (j in task order),
    # then the cosines between the projected gradients.
    projected = []
    for i in range(spec.n_tasks):
        g = flat(i, layers)
        for j in range(spec.n_tasks):
            other = flat(j, layers)
            if j != i and (dot := g @ other) < 0:
                g = g - dot / (other @ other) * other
        projected.append(g)
    for i, j in pairs:
        found[losses.projected_pair(i, j)] = cos(projected[i], projected[j])
    before = [float(task_loss(t)) for t in range(spec.n_tasks)]
    start = [v.numpy() for v in everything]
    for i in range(spec.n_tasks):
        for v, v0, g in zip(everything, start, grads[i], strict=True):
            v.assign(v0 - learning_rate * g)
        for j in range(spec.n_tasks):
            found[losses.affinity(i, j)] = 1.0 - float(task_loss(j)) / before[j]
        for v, v0 in zip(everything, start, strict=True):
            v.assign(v0)
    return found


@pytest.mark.parametrize(
    "spec",
    [
        TINY,
        TINY.replace(variant="towers", shared_layers=1),
        TINY.replace(variant="mmoe", shared_layers=2),
        TINY.replace(n_features=4, extra_inputs=1, shared_layers=3),
    ],
    ids=["hard", "towers", "mmoe", "inputs-only"],
)
# None: the probe's 20 windows in one pass; 7: in three (7, 7, 6), gradients summed over them.
@pytest.mark.parametrize("eval_batch", [None, 7], ids=["one-pass", "in-parts"])
def test_the_runs_measures_equal_a_direct_gradient_tape(spec, eval_batch):
    data = DataSpec(samples=20, val_samples=5).materialise(spec)
    config = TrainConfig(epochs=3, learning_rate=0.01)
    result = train(spec, data, config, eval_batch=eval_batch)
    last = result.history.iloc[-1]  # the last epoch is always measured, after its updates
    x, y = data.x_train[:PROBE_SAMPLES], data.y_train[:PROBE_SAMPLES]
    expected = _direct(spec, result.weights, x, y, config.learning_rate)
    assert set(expected) <= set(result.history.columns)
    for column, value in expected.items():
        assert last[column] == pytest.approx(value, abs=2e-4, rel=2e-3), column
    affinity = [
        last[losses.affinity(i, j)] for i in range(spec.n_tasks) for j in range(spec.n_tasks)
    ]
    assert np.isfinite(affinity).all() and max(np.abs(affinity)) > 0


def test_model_1_measures_every_shared_layer_and_training_is_unchanged():
    """Measuring moves the shared weights for the affinity and puts them back exactly."""
    spec = ModelSpec()
    data = DataSpec(samples=20, val_samples=5).materialise(spec)
    tracked = train(spec, data, TrainConfig(epochs=4))
    untracked = train(spec, data, TrainConfig(epochs=4, track_conflict=False))
    assert losses.layers_in(tracked.history) == ["conv1", "conv2", "conv3", "dense1", "dense2"]
    loss_columns = list(untracked.history.columns)
    assert np.array_equal(tracked.history[loss_columns].to_numpy(), untracked.history.to_numpy())
    assert all(
        np.array_equal(a, b) for a, b in zip(tracked.weights, untracked.weights, strict=True)
    )
