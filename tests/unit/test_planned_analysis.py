"""`planned_analysis(spec)` against the reference, `analyse(build_model(spec))`: every field of
the analysis equal (calls in Keras' graph order, ids, shapes, parents, tasks, inputs, layer
objects, weight shapes, flags, totals), for every variant and k at several sizes; and worked
out without Keras ever being imported."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import keras
import pytest

from models.analysis.sharing import analyse
from models.architectures.presets import MODEL_1, MODEL_2
from models.architectures.variants import VARIANTS, build_model
from models.inspect import planned_analysis, with_known_frozen
from models.spec import ModelSpec, SpecError
from support.specs import every_k

ROOT = Path(__file__).resolve().parents[2]
QUESTION = ModelSpec()
# Small layers keep the ~120 Keras builds quick; the shapes still differ at every layer.
SIZES = {
    "question": QUESTION,
    "one conv": ModelSpec(n_features=3, timesteps=8, conv_filters=(6,), dense_units=(12,)),
    "three conv, one feature, horizon 1": ModelSpec(
        n_features=1, timesteps=9, horizon=1, conv_filters=(2, 3, 4), dense_units=(5,)
    ),
    "five features, two input-only": ModelSpec(
        n_features=5, extra_inputs=2, timesteps=7, horizon=3, conv_filters=(3, 4), kernel_size=2
    ),
    "one task of two features": ModelSpec(
        n_features=2, extra_inputs=1, timesteps=6, horizon=1, conv_filters=(4,), dense_units=(5,)
    ),
    "no conv": ModelSpec(n_features=3, timesteps=5, conv_filters=(), dense_units=(6, 5, 4)),
}


def reference(spec: ModelSpec):
    return dataclasses.replace(analyse(build_model(spec)), extra={})


def first_difference(planned, built) -> str:
    """Where two analyses differ, for a readable failure on large records."""
    for field in dataclasses.fields(planned):
        ours, theirs = getattr(planned, field.name), getattr(built, field.name)
        if ours == theirs:
            continue
        if isinstance(ours, tuple) and isinstance(theirs, tuple):
            for i, (a, b) in enumerate(zip(ours, theirs, strict=False)):
                if a != b:
                    return f"{field.name}[{i}]:\n planned {a}\n built   {b}"
        return f"{field.name}:\n planned {ours}\n built   {theirs}"
    return ""


@pytest.mark.parametrize("label", SIZES)
def test_every_variant_and_k_is_analysed_as_the_built_model_is(label):
    """One case per size: its ~25 models are built in a row, the session cleared after."""
    sizes = SIZES[label]
    specs = list(every_k(sizes))
    try:
        for spec in specs:
            planned, built = planned_analysis(spec), reference(spec)
            assert planned == built, f"{spec}\n{first_difference(planned, built)}"
    finally:
        keras.backend.clear_session()  # the next size starts from an empty graph
    towers_need_convs = not sizes.conv_filters
    assert len({spec.variant for spec in specs}) == len(VARIANTS) - towers_need_convs


@pytest.mark.parametrize("preset", [MODEL_1, MODEL_2], ids=["model 1", "model 2"])
@pytest.mark.parametrize("label", ["question", "three conv, one feature, horizon 1"])
def test_the_questions_models_are_analysed_as_built(preset, label):
    spec = preset.on(SIZES[label])
    assert planned_analysis(spec) == reference(spec)


def test_a_cross_stitch_unit_has_one_output_per_task():
    """The multi-output call and the tasks it mixes, read the way the views read them."""
    spec = QUESTION.replace(variant="cross_stitch", shared_layers=1)
    analysis = planned_analysis(spec)
    (unit,) = analysis.calls_of("cross_stitch1")
    assert unit.output_shape == "4 × (None, 8, 8)"
    assert unit.parents == tuple(f"task{t}_conv1#1" for t in range(1, 5))
    assert analysis.layer("cross_stitch1").mixes_tasks
    assert analysis.layer("task2_conv1").tasks == {"task2_head"}
    assert analysis.name == "cross_stitch_k1" and analysis.inputs == ("series",)


def test_model_2s_towers_are_input_branches():
    analysis = planned_analysis(MODEL_2.on(QUESTION))
    assert [c.id for c in analysis.calls_of("conv1")] == [f"conv1#{n}" for n in range(1, 5)]
    assert analysis.layer("conv1").tied
    assert analysis.layer("feature3_conv2").input_branch
    assert analysis.inputs == tuple(f"feature{f}" for f in range(1, 5))
    assert analysis.calls[0].input_shapes == () and analysis.calls[0].output_shape == (
        "(None, 10, 1)"
    )


REFUSED = {
    "no dense layer": QUESTION.replace(dense_units=()),
    "towers without conv": QUESTION.replace(variant="towers", conv_filters=()),
    "k too large": QUESTION.replace(shared_layers=9),
    "mmoe without experts": QUESTION.replace(variant="mmoe", shared_layers=0),
    "unknown variant": QUESTION.replace(variant="pyramid"),
    "too many parameters": QUESTION.replace(timesteps=512, conv_filters=(256,), dense_units=(64,)),
    "kernel longer than the window": QUESTION.replace(kernel_size=5),
}


@pytest.mark.parametrize("spec", REFUSED.values(), ids=REFUSED.keys())
def test_a_refused_spec_raises_the_same_spec_error(spec):
    with pytest.raises(SpecError) as planned:
        planned_analysis(spec)
    with pytest.raises(SpecError) as built:
        build_model(spec)
    assert str(planned.value) == str(built.value)


def test_the_planned_analysis_never_imports_keras():
    script = (
        "import sys\n"
        "from models.architectures.presets import MODEL_2\n"
        "from models.inspect import planned_analysis\n"
        "from models.spec import ModelSpec\n"
        "analysis = planned_analysis(MODEL_2.on(ModelSpec()))\n"
        "assert analysis.n_calls > 0\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('keras', 'tensorflow')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("preset", [MODEL_1, MODEL_2], ids=["model 1", "model 2"])
def test_frozen_layer_objects_are_planned_as_keras_builds_them(preset):
    spec = preset.on(SIZES["question"])
    weighted = [layer.name for layer in planned_analysis(spec).layers if layer.params]
    frozen = spec.replace(frozen=(weighted[0], weighted[-1]))
    planned = planned_analysis(frozen)
    assert planned == reference(frozen), first_difference(planned, reference(frozen))
    assert [layer.name for layer in planned.layers if layer.frozen] == [weighted[0], weighted[-1]]
    assert all(layer.role.endswith(", frozen") for layer in planned.layers if layer.frozen)


def test_only_this_models_layers_with_weights_stay_frozen():
    spec = MODEL_2.on(SIZES["question"]).replace(frozen=("conv1", "flatten", "task1_conv1"))
    kept, dropped = with_known_frozen(spec)
    assert kept.frozen == ("conv1",) and dropped == ("flatten", "task1_conv1")
    assert with_known_frozen(kept) == (kept, ())


@pytest.mark.parametrize("groups", [(1, 2, 1, 3), (1, 1, 1, 1), (1, 2, 3, 4)])
def test_every_tree_is_analysed_as_the_built_model_is(groups):
    for k in range(6):
        spec = ModelSpec(variant="branched", shared_layers=k, task_groups=groups)
        planned, built = planned_analysis(spec), reference(spec)
        assert planned == built, f"{spec}\n{first_difference(planned, built)}"
