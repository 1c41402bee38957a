"""What sharing saves beyond parameters (models.costs.sharing_costs): every layer object's
arithmetic, activations and optimizer state, counted directly and against TensorFlow's own
profiler for the question's two models."""

from __future__ import annotations

import pytest

from models.architectures.presets import MODEL_1, MODEL_2
from models.costs.plan import call_plan, forward_macs, total_params
from models.costs.sharing_costs import ADAM_SLOTS, cost_sentences, model_cost
from models.costs.terms import FLOAT_BYTES, kept_values
from models.inspect import planned_analysis
from models.spec import ModelSpec
from support.specs import every_k

QUESTION = ModelSpec()
SMALL = ModelSpec(n_features=3, timesteps=12, conv_filters=(4, 6), dense_units=(8,), horizon=2)
SPECS = [*every_k(QUESTION), *every_k(SMALL)]


def _cost(spec: ModelSpec):
    return model_cost(call_plan(spec), planned_analysis(spec))


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: f"{s.variant}-k{s.shared_layers}")
def test_the_layers_add_up_to_the_model(spec):
    cost, plan, analysis = _cost(spec), call_plan(spec), planned_analysis(spec)
    assert cost.forward_flops == 2 * forward_macs(plan)
    inputs = tuple(call for call in plan if call.kind == "input")
    assert cost.kept_values == kept_values(plan) - kept_values(inputs)
    assert cost.optimizer_bytes == ADAM_SLOTS * FLOAT_BYTES * total_params(plan)
    by_name = {layer.name: layer for layer in analysis.layers}
    for layer in cost.layers:
        assert layer.params == by_name[layer.layer].params
        assert layer.calls == by_name[layer.layer].n_calls
        assert layer.backward_flops == 2 * layer.forward_flops
    # One network per task never costs less than the shared model.
    assert cost.independent_forward_flops >= cost.forward_flops


def test_a_tied_conv_computes_once_per_call_counted_by_hand():
    spec = MODEL_2.on(QUESTION)
    conv1 = next(layer for layer in _cost(spec).layers if layer.layer == "conv1")
    steps = spec.timesteps - spec.kernel_size + 1  # 'valid' padding
    filters = spec.conv_filters[0]
    per_call = 2 * steps * spec.kernel_size * 1 * filters  # one feature in per tower
    assert conv1.calls == spec.n_features
    assert conv1.forward_flops == spec.n_features * per_call
    assert conv1.params == spec.kernel_size * filters + filters  # once, however often called
    assert conv1.activation_bytes(32) == conv1.kept_values * 32 * FLOAT_BYTES


def test_tying_saves_weights_and_optimizer_state_but_no_arithmetic():
    tied = _cost(QUESTION.replace(variant="towers", shared_layers=3))
    untied = _cost(QUESTION.replace(variant="towers", shared_layers=0))
    assert tied.forward_flops == untied.forward_flops
    assert tied.kept_values == untied.kept_values
    assert tied.optimizer_bytes < untied.optimizer_bytes


def test_a_trunk_shared_by_the_tasks_saves_arithmetic_and_nothing_shared_saves_none():
    nothing = _cost(QUESTION.replace(variant="hard", shared_layers=0))
    assert nothing.flops_saved_share == 0 and nothing.activations_saved_share == 0
    model1 = _cost(MODEL_1.on(QUESTION))
    assert model1.flops_saved_share > 0.5 and model1.forward_flops < nothing.forward_flops


TOLERANCE = 0.02  # the profiler also counts what Keras adds around the layers' products


@pytest.mark.slow
@pytest.mark.parametrize("preset", [MODEL_1, MODEL_2], ids=["model1", "model2"])
def test_forward_flops_agree_with_tensorflows_profiler(preset):
    import tensorflow as tf
    from tensorflow.python.framework.convert_to_constants import (
        convert_variables_to_constants_v2,
    )

    from models.architectures.variants import build_model

    spec = preset.on(QUESTION)
    model = build_model(spec)
    inputs = [tf.TensorSpec([1, *tensor.shape[1:]], tf.float32) for tensor in model.inputs]
    forward = tf.function(lambda *xs: model(list(xs) if len(xs) > 1 else xs[0]))
    graph = convert_variables_to_constants_v2(forward.get_concrete_function(*inputs)).graph
    options = tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()
    options["output"] = "none"
    profiled = tf.compat.v1.profiler.profile(graph=graph, cmd="op", options=options)
    ours = _cost(spec).forward_flops
    assert abs(profiled.total_float_ops - ours) <= TOLERANCE * ours


def test_the_sentences_name_what_tying_does_not_save():
    spec = MODEL_2.on(QUESTION)
    analysis = planned_analysis(spec)
    first, tying = cost_sentences(_cost(spec), analysis)
    assert "74 % of the parameters" in first
    assert tying.startswith("Tying saves weights only: `conv1`") and "4 calls" in tying
    nothing = QUESTION.replace(variant="hard", shared_layers=0)
    (only,) = cost_sentences(_cost(nothing), planned_analysis(nothing))
    assert "saves 0 % of the parameters" in only and "no layer here runs once" in only
