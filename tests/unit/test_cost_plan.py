"""The call plan (models.costs.plan) against the Keras model `build_model` builds, exactly:
every layer object, its class, weight shapes and parameters, every call's shapes, and every
call's MACs counted directly from the built layer's weights and the call's tensors. (Which
outputs each call reads is checked through the analysis: tests/unit/test_planned_analysis.py.)"""

from __future__ import annotations

import math
from collections import defaultdict

import pytest

from models.architectures.variants import VARIANTS, build_model
from models.costs.plan import (
    activation_values,
    call_plan,
    forward_macs,
    layer_params,
    model_plan,
    task_shared_params,
    task_shared_variables,
    total_params,
)
from models.spec import ModelSpec, SpecError
from support.specs import every_k

QUESTION = ModelSpec()
SIZES = {
    "question": QUESTION,
    "odd": ModelSpec(
        n_features=3, timesteps=13, horizon=2, conv_filters=(3, 5), kernel_size=4, dense_units=(7,)
    ),
    "extra inputs": ModelSpec(
        n_features=5, extra_inputs=2, timesteps=9, horizon=3, conv_filters=(2, 3, 4)
    ),
    "one task of two features": ModelSpec(
        n_features=2, extra_inputs=1, timesteps=6, horizon=4, conv_filters=(4,), dense_units=(5,)
    ),
    "no conv": ModelSpec(conv_filters=(), dense_units=(6, 5)),
    "one feature": ModelSpec(n_features=1, timesteps=7, conv_filters=(2, 2), dense_units=(3,)),
}
# The hostile link's sizes (its k = 7 is hard's largest there), smaller kernel-1 variants.
HOSTILE = ModelSpec(
    variant="hard",
    shared_layers=7,
    n_features=16,
    timesteps=512,
    horizon=128,
    conv_filters=(256,) * 6,
    kernel_size=1,
    dense_units=(1,),
)


QUICK = ("question", "odd")  # the other sizes build ~110 more models: the slow part
CASES = [
    pytest.param(
        spec,
        id=f"{label}-{spec.variant}-k{spec.shared_layers}",
        marks=() if label in QUICK else pytest.mark.slow,
    )
    for label, sizes in SIZES.items()
    for spec in every_k(sizes)
] + [
    pytest.param(HOSTILE, id="hostile-hard-k7", marks=pytest.mark.slow),
    pytest.param(
        HOSTILE.replace(variant="towers", shared_layers=6),
        id="hostile-towers-k6",
        marks=pytest.mark.slow,
    ),
]


def keras_calls(model) -> dict[str, list]:
    """Layer name -> its calls in order, each (input shapes, output shapes) without batch."""
    calls = {}
    for layer in model.layers:
        calls[layer.name] = [
            (
                tuple(tuple(t.shape[1:]) for t in node.input_tensors),
                tuple(tuple(t.shape[1:]) for t in node.output_tensors),
            )
            for node in layer._inbound_nodes
        ]
    return calls


def direct_macs(layer, inputs, outputs) -> int:
    """MACs of one call from the built layer's own weights and the call's tensors."""
    kind = type(layer).__name__
    if kind == "Conv1D":
        kernel, channels, filters = layer.kernel.shape
        return outputs[0][0] * kernel * channels * filters
    if kind == "Dense":
        return math.prod(layer.kernel.shape)
    if kind == "CrossStitch":
        tasks = layer.alpha.shape[0]
        return sum(tasks * math.prod(shape) for shape in outputs)  # each value sums T inputs
    if kind == "ExpertGate":
        width, experts = layer.kernel.shape
        return width * experts + experts * math.prod(outputs[0])  # logits, then weighing
    return 0  # InputLayer, Flatten, Concatenate: no arithmetic


@pytest.mark.parametrize("spec", CASES)
def test_plan_matches_the_built_model_exactly(spec):
    model = build_model(spec)
    plan = call_plan(spec)
    assert layer_params(plan) == {layer.name: layer.count_params() for layer in model.layers}
    assert total_params(plan) == model.count_params() == VARIANTS[spec.variant].count_params(spec)

    by_layer = defaultdict(list)
    for call in plan:
        by_layer[call.layer].append(call)
    built = keras_calls(model)
    assert by_layer.keys() == built.keys()
    for name, keras_own in built.items():
        ours = [(c.inputs, c.outputs) for c in by_layer[name]]
        assert ours == keras_own, name
        layer = model.get_layer(name)
        weights = tuple(tuple(w.shape) for w in layer.weights)
        for call, (inputs, outputs) in zip(by_layer[name], keras_own, strict=True):
            assert call.macs == direct_macs(layer, inputs, outputs), name
            assert (call.keras_class, call.weights) == (type(layer).__name__, weights), name
    assert model_plan(spec).name == model.name


@pytest.mark.parametrize("spec", CASES)
def test_plan_reads_only_what_earlier_calls_wrote(spec):
    """In the plan's order every call's inputs are outputs already made: a usable schedule."""
    made: list = []
    for call in call_plan(spec):
        for shape in call.inputs:
            assert shape in made, call.layer
        made += call.outputs


def test_kinds_and_names_as_the_builders_name_them():
    kinds = {c.layer: c.kind for c in call_plan(QUESTION.replace(variant="mmoe", shared_layers=2))}
    assert kinds["expert2_conv1"] == "conv" and kinds["task1_gate"] == "gate"
    assert kinds["window"] == "flatten" and kinds["series"] == "input"
    towers = call_plan(QUESTION.replace(variant="towers", shared_layers=1))
    assert [c.layer for c in towers].count("conv1") == 4  # the tied layer, once per call
    assert {c.kind for c in towers if c.layer == "concat"} == {"concat"}
    stitched = {c.layer: c for c in call_plan(QUESTION.replace(variant="cross_stitch"))}
    assert stitched["cross_stitch5"].kind == "cross_stitch"
    assert len(stitched["cross_stitch5"].outputs) == QUESTION.n_tasks


def test_the_hostile_spec_is_planned_without_building_it():
    plan = call_plan(HOSTILE)
    assert total_params(plan) == VARIANTS["hard"].count_params(HOSTILE)
    # conv1 (16 -> 256) and five 256 -> 256 convs over 512 steps, the 131,072-wide dense1.
    conv = 512 * (16 * 256 + 5 * 256 * 256)
    heads = 16 * 128
    assert forward_macs(plan) == conv + 512 * 256 + heads
    assert activation_values(plan) == 512 * 16 + 6 * 512 * 256 + 512 * 256 + 1 + 16 * 128


def test_task_shared_weights_are_those_the_conflict_probe_differentiates():
    hard = call_plan(QUESTION.replace(shared_layers=2))
    conv = layer_params(hard)
    assert task_shared_params(hard) == conv["conv1"] + conv["conv2"]
    assert task_shared_variables(hard) == 4  # two kernels, two biases
    mmoe = call_plan(QUESTION.replace(variant="mmoe", shared_layers=3))
    assert task_shared_variables(mmoe) == 3 * 5 * 2  # every expert's five layers; no gate
    assert task_shared_params(call_plan(QUESTION.replace(shared_layers=0))) == 0
    assert task_shared_params(call_plan(QUESTION.replace(variant="cross_stitch"))) == 0
    one_task = SIZES["one task of two features"]
    assert task_shared_params(call_plan(one_task.replace(shared_layers=1))) == 0


def test_an_unbuildable_spec_is_refused_as_build_model_refuses_it():
    with pytest.raises(SpecError):
        call_plan(QUESTION.replace(variant="towers", conv_filters=()))
    with pytest.raises(SpecError):
        call_plan(QUESTION.replace(shared_layers=9))
