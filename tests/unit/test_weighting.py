"""Uncertainty weighting (Kendall et al., 2018) against a direct computation, and what a run
with it learns: a task whose loss stays high ends with a lower weight."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import tensorflow as tf

from models.data.toy_data import DataSpec
from models.spec import ModelSpec
from models.training.adam import FusedAdam
from models.training.engine import TrainConfig, train
from models.training.weighting import UncertaintyWeights


def test_one_step_moves_each_log_variance_towards_its_tasks_loss():
    # Predictions are a weight times x: task 1 misses by 2 (loss 4), task 2 by 0.5 (0.25).
    x = tf.ones([8, 2, 3])
    y = tf.constant(np.stack([np.full((8, 3), 3.0), np.full((8, 3), 1.5)], axis=1), tf.float32)
    w = tf.Variable(tf.ones([2, 3]))
    weights = UncertaintyWeights(2)
    weights.reset(0.01)

    def task_losses(x, y):  # each task's mean squared error, as the compiled model's
        return tf.reduce_mean(tf.square(y - w * x), axis=[0, 2])

    losses = weights.step(task_losses, [w], FusedAdam([w]), tf.ones([2]), x, y)
    np.testing.assert_allclose(losses.numpy(), [4.0, 0.25])  # reported unweighted
    # d/ds [½ e^-s L + ½ s] at s = 0 is ½ (1 − L); Adam's first step is lr against its sign.
    np.testing.assert_allclose(weights.log_variances.numpy(), [0.01, -0.01], atol=1e-6)
    learned = weights.learned()
    assert learned[0] < 1 < learned[1]
    weights.reset(0.01)
    assert weights.learned() == (1.0, 1.0)


@pytest.fixture(scope="module")
def uneven():
    """Toy data whose second task's targets are four times as large: its loss stays high."""
    data = DataSpec(samples=60).materialise(ModelSpec())
    scale = np.ones(data.y_train.shape[1], np.float32)
    scale[1] = 4.0
    scaled = {name: getattr(data, name) * scale[:, None] for name in ("y_train", "y_val")}
    return dataclasses.replace(data, **scaled)


def test_a_run_is_deterministic_and_weighs_the_high_loss_task_down(uneven):
    config = TrainConfig(epochs=20, method="uncertainty", track_conflict=False)
    first, again = train(ModelSpec(), uneven, config), train(ModelSpec(), uneven, config)
    np.testing.assert_array_equal(first.history.to_numpy(), again.history.to_numpy())
    assert first.task_weights == again.task_weights and len(first.task_weights) == 4
    high, *others = first.task_weights[1], first.task_weights[0], *first.task_weights[2:]
    assert all(high < other for other in others), first.task_weights
    summed = train(ModelSpec(), uneven, TrainConfig(epochs=20, track_conflict=False))
    assert summed.task_weights == ()
    assert not np.allclose(first.history["train_total"], summed.history["train_total"])
