"""The call inspector's numbers against references computed another way: each call's output
against a numpy convolution of its own input, and each call's part of the shared gradient
against the gradient of that call's own copy in an untied model with the same weights."""

from __future__ import annotations

import numpy as np
import pytest

from models.architectures.presets import MODEL_1, MODEL_2
from models.architectures.variants import VARIANTS, build_model
from models.data.toy_data import DataSpec
from models.lab.calls import inspect_calls, keras_output_sentence
from models.spec import ModelSpec
from models.training.seeded import seeded_build

SPEC = MODEL_2.on(ModelSpec())
DATA = DataSpec(samples=40, val_samples=8)


@pytest.fixture(scope="module")
def conv1():
    return inspect_calls(SPEC, "conv1", DATA, seed=3, window=2)


def _window(spec: ModelSpec, window: int):
    dataset = DATA.materialise(spec)
    return dataset.x_val[window : window + 1], dataset.y_val[window : window + 1]


def test_each_call_computes_conv1_on_its_own_feature(conv1):
    model = seeded_build(SPEC, 3)
    kernel, bias = model.get_layer("conv1").get_weights()  # (width, 1, filters), (filters,)
    x, _ = _window(SPEC, 2)
    width = kernel.shape[0]
    assert len(conv1.calls) == SPEC.n_features
    for call in conv1.calls:
        series = x[0, :, call.number - 1]  # call i reads feature i (the towers' input order)
        patches = np.stack([series[t : t + width] for t in range(len(series) - width + 1)])
        expected = np.maximum(patches @ kernel[:, 0, :] + bias, 0.0)  # relu(conv)
        np.testing.assert_allclose(call.activations, expected, atol=1e-5)
        assert call.input_shape == f"(None, {SPEC.timesteps}, 1)"


def test_each_calls_part_is_the_gradient_of_its_own_copy_in_an_untied_model(conv1):
    import tensorflow as tf

    shared = seeded_build(SPEC, 3)
    untied = build_model(SPEC.replace(shared_layers=0))  # one conv1 per feature
    for layer in untied.layers:
        if layer.weights:
            source = "conv1" if layer.name.endswith("_conv1") else layer.name
            layer.set_weights(shared.get_layer(source).get_weights())
    copies = [untied.get_layer(f"feature{i + 1}_conv1") for i in range(SPEC.n_features)]
    x, y = _window(SPEC, 2)
    for task in range(SPEC.n_tasks):
        with tf.GradientTape() as tape:
            outputs = untied(VARIANTS[SPEC.variant].split_inputs(SPEC, x), training=False)
            loss = tf.reduce_mean(tf.square(y[:, task, :] - outputs[task]))
        grads = tape.gradient(loss, [w for c in copies for w in c.trainable_weights])
        for i, call in enumerate(conv1.calls):
            own = grads[2 * i : 2 * i + 2]
            expected = float(np.sqrt(sum(np.sum(np.square(g)) for g in own)))
            assert call.gradient_by_task[task] == pytest.approx(expected, rel=1e-4, abs=1e-7)
    assert conv1.parts_add_up.passed


def test_a_head_has_one_call_and_only_its_task_pulls_it():
    head = inspect_calls(SPEC, "task3_head", DATA)
    (call,) = head.calls
    assert call.activations.shape == (1, SPEC.horizon)
    pulls = np.array(call.gradient_by_task)
    assert pulls[2] > 0 and np.all(np.delete(pulls, 2) == 0)
    assert head.parts_add_up.passed


def test_the_same_inputs_give_the_same_numbers_and_trained_weights_others():
    again = inspect_calls(SPEC, "conv1", DATA, seed=3, window=2)
    first = inspect_calls(SPEC, "conv1", DATA, seed=3, window=2)
    assert all(
        np.array_equal(a.activations, b.activations) and a.gradient_by_task == b.gradient_by_task
        for a, b in zip(first.calls, again.calls, strict=True)
    )
    moved = [w + 0.1 for w in seeded_build(SPEC, 3).get_weights()]
    other = inspect_calls(SPEC, "conv1", DATA, seed=3, weights=moved, window=2)
    assert not np.allclose(other.calls[0].activations, first.calls[0].activations)


def test_model_1s_trunk_layer_is_one_call_that_every_task_pulls():
    spec = MODEL_1.on(ModelSpec())
    (call,) = inspect_calls(spec, "conv1", DATA).calls
    assert all(pull > 0 for pull in call.gradient_by_task)


def test_the_sentence_names_the_code_s_variable_for_a_later_call():
    assert "conv1_out2" in keras_output_sentence("conv1", 4)
    assert "first call" in keras_output_sentence("conv1", 4)
    assert "conv2_out`" in keras_output_sentence("conv2", 1)
