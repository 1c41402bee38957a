"""PCGrad against a direct computation, and what a PCGrad run changes and keeps."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from models.costs.estimate import estimate_run
from models.data.toy_data import DataSpec
from models.spec import ModelSpec
from models.training.engine import TrainConfig, train
from models.training.surgery import pcgrad


def _direct_pcgrad(grads: list[np.ndarray]) -> np.ndarray:
    """The paper's projection on flat vectors, j in increasing order, summed."""
    out = []
    for i, g in enumerate(grads):
        g = g.copy()
        for j, other in enumerate(grads):
            if j != i and (dot := g @ other) < 0:
                g = g - dot / (other @ other) * other
        out.append(g)
    return np.sum(out, axis=0)


def test_pcgrad_equals_projecting_each_flat_gradient_in_turn():
    rng = np.random.default_rng(0)
    shapes = [(3, 2), (2,), (4,)]  # two shared variables, then one task-specific
    variables = [tf.Variable(np.zeros(s, np.float32)) for s in shapes]
    shared = {id(variables[0]), id(variables[1])}
    for _ in range(20):
        per_task = [[rng.normal(size=s).astype(np.float32) for s in shapes] for _ in range(4)]
        combined = pcgrad([[tf.constant(g) for g in t] for t in per_task], variables, shared)
        flat = [np.concatenate([t[0].ravel(), t[1].ravel()]) for t in per_task]
        expected = _direct_pcgrad(flat)
        got = np.concatenate([combined[0].numpy().ravel(), combined[1].numpy().ravel()])
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(combined[2].numpy(), sum(t[2] for t in per_task), rtol=1e-5)


def test_gradients_that_agree_are_summed_and_a_variable_nobody_reaches_is_skipped():
    variables = [tf.Variable(np.zeros(2, np.float32)), tf.Variable(np.zeros(1, np.float32))]
    agree = [[tf.constant([1.0, 0.0]), None], [tf.constant([1.0, 1.0]), None]]
    combined = pcgrad(agree, variables, {id(variables[0])})
    np.testing.assert_allclose(combined[0].numpy(), [2.0, 1.0])
    assert combined[1] is None
    opposed = [[tf.constant([1.0, 0.0]), None], [tf.constant([-1.0, 0.0]), None]]
    # Each is projected off the other: both become 0, nothing pulls the shared weight.
    np.testing.assert_allclose(pcgrad(opposed, variables, set(map(id, variables)))[0], [0, 0])


@pytest.fixture(scope="module")
def data():
    return DataSpec(samples=40, relatedness=0.0).materialise(ModelSpec())


def test_a_pcgrad_run_is_deterministic_and_differs_from_the_sum_where_weights_are_shared(data):
    spec, config = ModelSpec(), TrainConfig(epochs=3, method="pcgrad", track_conflict=False)
    first, again = train(spec, data, config), train(spec, data, config)
    np.testing.assert_array_equal(first.history.to_numpy(), again.history.to_numpy())
    summed = train(spec, data, TrainConfig(epochs=3, track_conflict=False))
    assert not np.allclose(first.history["train_total"], summed.history["train_total"])


def test_with_nothing_shared_pcgrad_is_the_sum_exactly(data):
    spec = ModelSpec(shared_layers=0)
    surgery = train(spec, data, TrainConfig(epochs=3, method="pcgrad", track_conflict=False))
    summed = train(spec, data, TrainConfig(epochs=3, track_conflict=False))
    np.testing.assert_array_equal(surgery.history.to_numpy(), summed.history.to_numpy())


def test_the_budget_prices_a_pcgrad_run_as_one_backward_pass_per_task():
    spec = ModelSpec()
    summed = estimate_run(spec, 1000, 200, 60, 32, False)
    surgery = estimate_run(spec, 1000, 200, 60, 32, False, "pcgrad")
    assert surgery.train_seconds == pytest.approx(4 * summed.train_seconds)
    assert surgery.gradient_bytes == 4 * summed.gradient_bytes
    nothing_shared = spec.replace(shared_layers=0)
    assert estimate_run(nothing_shared, 1000, 200, 60, 32, False, "pcgrad").train_seconds == (
        pytest.approx(estimate_run(nothing_shared, 1000, 200, 60, 32, False).train_seconds)
    )
