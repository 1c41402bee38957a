"""Hand-set task loss weights (`TrainConfig.task_weights`): all 1 is the plain sum bit for bit,
a weight of 0 leaves that task's own layers untouched, and bad weights are refused in words."""

from __future__ import annotations

import numpy as np
import pytest

from models.data.toy_data import DataSpec
from models.spec import ModelSpec, SpecError
from models.training.engine import TrainConfig, train

SPEC = ModelSpec(conv_filters=(4, 8), dense_units=(16,), shared_layers=2)  # heads: dense1, head


@pytest.fixture(scope="module")
def data():
    return DataSpec(samples=40, val_samples=10).materialise(SPEC)


def test_weights_must_be_one_per_task_and_not_all_zero():
    TrainConfig(task_weights=(1.0, 2.0, 0.0, 1.0)).validate(4)
    with pytest.raises(SpecError, match="3 given for 4 tasks"):
        TrainConfig(task_weights=(1.0, 2.0, 1.0)).validate(4)
    with pytest.raises(SpecError, match="at least one must be above 0"):
        TrainConfig(task_weights=(0.0, 0.0)).validate()
    with pytest.raises(SpecError, match="between 0.0 and 100.0"):
        TrainConfig(task_weights=(1.0, -1.0, 1.0, 1.0)).validate(4)
    assert TrainConfig().loss_weights(3) == (1.0, 1.0, 1.0)


@pytest.mark.slow
@pytest.mark.parametrize("method", ["sum", "pcgrad", "uncertainty"])
def test_weights_of_one_are_the_unweighted_run_bit_for_bit(data, method):
    plain = TrainConfig(epochs=6, method=method)
    ones = TrainConfig(epochs=6, method=method, task_weights=(1.0,) * SPEC.n_tasks)
    first, second = train(SPEC, data, plain), train(SPEC, data, ones)
    np.testing.assert_array_equal(first.history.to_numpy(), second.history.to_numpy())


@pytest.mark.slow
@pytest.mark.parametrize("method", ["sum", "pcgrad", "uncertainty"])
def test_a_task_weighed_zero_does_not_train_its_own_layers(data, method):
    config = TrainConfig(epochs=4, method=method, task_weights=(1.0, 0.0, 1.0, 1.0))
    result = train(SPEC, data, config)
    unmoved = set(result.unmoved)
    assert {"task2_dense1", "task2_head"} <= unmoved, result.unmoved
    assert not {"task1_dense1", "task1_head", "conv1"} & unmoved
    # The losses a run reports stay unweighted: task 2's is measured, not zeroed.
    assert (result.history["train_task2"] > 0).all()


@pytest.mark.slow
def test_a_heavier_task_ends_with_a_lower_loss_than_under_equal_weights(data):
    equal = train(SPEC, data, TrainConfig(epochs=30))
    heavy = train(SPEC, data, TrainConfig(epochs=30, task_weights=(1.0, 1.0, 8.0, 1.0)))
    assert heavy.history["train_task3"].iloc[-1] < equal.history["train_task3"].iloc[-1]
