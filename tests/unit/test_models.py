"""Builders, parameter counts, sharing analysis and the spec's validation."""

from __future__ import annotations

import itertools

import pytest

from models.analysis.graph import to_dot
from models.analysis.palette import BRANCH_FILL, TASK_SHARED_FILL, layer_colours, legend
from models.analysis.sharing import analyse
from models.architectures.variants import VARIANTS, build_model, clamp_k, validate
from models.inspect import code_for_spec, explained_analysis
from models.spec import ModelSpec, SpecError

MODEL_1 = ModelSpec(variant="hard", shared_layers=5)
MODEL_2 = ModelSpec(variant="towers", shared_layers=1)


def test_question_model_1_has_52012_parameters():
    model = build_model(MODEL_1)
    assert model.count_params() == 52_012
    assert [layer.count_params() for layer in model.layers if layer.weights][:5] == [
        104,
        400,
        1_568,
        25_800,
        20_100,
    ]


def test_question_model_2_has_134644_parameters_and_one_shared_conv():
    model = build_model(MODEL_2)
    assert model.count_params() == 134_644
    conv1 = model.get_layer("conv1")
    assert conv1.count_params() == 32
    assert tuple(conv1.kernel.shape) == (3, 1, 8)
    assert len(model.inputs) == 4


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_analytic_count_matches_keras_for_every_shared_setting(variant):
    sizes = [
        ModelSpec(variant=variant),
        ModelSpec(
            variant=variant,
            n_features=3,
            timesteps=12,
            conv_filters=(4, 6),
            kernel_size=5,
            dense_units=(7,),
            horizon=3,
        ),
        ModelSpec(variant=variant, n_features=1, conv_filters=(5,), dense_units=(9, 8, 7)),
        # Fewer tasks than features: the last series are inputs only.
        ModelSpec(variant=variant, n_features=5, extra_inputs=3, conv_filters=(4, 6)),
        ModelSpec(variant=variant, n_features=3, extra_inputs=1, dense_units=(6,), horizon=2),
    ]
    for base in sizes:
        low, high = VARIANTS[variant].shared_range(base)
        for k in range(low, high + 1):
            spec = base.replace(shared_layers=k)
            assert VARIANTS[variant].count_params(spec) == build_model(spec).count_params(), spec


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_input_only_series_are_read_by_every_task_and_forecast_by_none(variant):
    spec = clamp_k(ModelSpec(variant=variant, n_features=5, extra_inputs=3, shared_layers=2))
    model = build_model(spec)
    assert spec.n_tasks == 2 and len(model.outputs) == 2
    assert [tuple(out.shape) for out in model.outputs] == [(None, 10)] * 2
    inputs = sum(int(i.shape[-1]) for i in model.inputs)
    assert inputs == 5  # every series is read, the three input-only ones too
    a = analyse(model)
    assert len(a.tasks) == 2
    assert a.totals.total == VARIANTS[variant].count_params(spec) == model.count_params()


def test_input_only_series_change_only_the_first_layer_and_the_task_copies():
    """Model 1 forecasting 1 of 4 series: conv1 still reads 4 channels (104 parameters), but
    one head and nothing task-specific remains (52,012 - 3 heads of 1,010)."""
    spec = MODEL_1.replace(extra_inputs=3)
    model = build_model(spec)
    assert model.get_layer("conv1").count_params() == 104
    assert model.count_params() == 52_012 - 3 * 1_010
    hard_k2 = MODEL_1.replace(shared_layers=2, extra_inputs=2)
    assert build_model(hard_k2).count_params() == 104 + 400 + 2 * (1_568 + 25_800 + 20_100 + 1_010)


@pytest.mark.parametrize("extra", [-1, 4, 5])
def test_at_least_one_series_is_forecast(extra):
    with pytest.raises(SpecError, match="at least one series is forecast"):
        validate(MODEL_1.replace(extra_inputs=extra))


def test_model_1_analysis_is_hard_sharing_across_tasks():
    a = analyse(build_model(MODEL_1))
    t = a.totals
    assert (t.total, t.unrolled, t.tied) == (52_012, 52_012, 0)
    assert t.shared == 104 + 400 + 1_568 + 25_800 + 20_100
    assert t.task_specific == 4 * 1_010
    assert t.independent == 195_928 == build_model(MODEL_1.replace(shared_layers=0)).count_params()
    assert a.layer("dense2").role == "shared across tasks"
    assert a.layer("task3_head").tasks == {"task3_head"}
    assert all(layer.n_calls == 1 for layer in a.layers)


def test_model_2_tower_layers_are_branches_not_a_trunk():
    """A per-feature tower layer reaches every task through the concatenation, but it reads one
    input: it is that input's branch, drawn and worded apart from a trunk all tasks call."""
    a = analyse(build_model(MODEL_2))
    branch, trunk = a.layer("feature2_conv2"), a.layer("dense1")
    assert branch.input_branch and branch.role == "branch of feature2 (reaches 4 tasks)"
    assert not trunk.input_branch and trunk.role == "shared across tasks"
    fills = layer_colours(a)
    assert fills["feature2_conv2"] == BRANCH_FILL != fills["dense1"] == TASK_SHARED_FILL
    assert 'style="rounded,filled,dashed"' in to_dot(a)
    assert not any(layer.input_branch for layer in analyse(build_model(MODEL_1)).layers)
    code = code_for_spec(MODEL_2)
    assert "# Branch of feature2: called once, for this input only" in code
    assert "# Shared across tasks" in code  # dense1-dense2 still are


@pytest.mark.parametrize(
    ("spec", "meanings"),
    [
        (MODEL_1, ["shared across tasks", "task-specific"]),
        (MODEL_1.replace(shared_layers=0), ["task-specific"]),
        (MODEL_2, ["conv1 (×4, tied)", "shared across tasks", "one input's branch", "task-spec"]),
        (ModelSpec(variant="cross_stitch", shared_layers=2), ["mixes the tasks", "task-spec"]),
    ],
)
def test_the_legend_lists_only_the_kinds_of_node_present(spec, meanings):
    items = [text for _, text in legend(analyse(build_model(spec)))]
    assert len(items) == len(meanings)
    assert all(text.startswith(start) for text, start in zip(items, meanings, strict=True))


def test_model_2_analysis_detects_the_tied_conv_and_its_four_calls():
    a = analyse(build_model(MODEL_2))
    conv1 = a.layer("conv1")
    assert conv1.tied and conv1.n_calls == 4 and conv1.params == 32
    assert conv1.inputs == {"feature1", "feature2", "feature3", "feature4"}
    assert [c.input_shapes for c in a.calls_of("conv1")] == [("(None, 10, 1)",)] * 4
    assert [c.output_shape for c in a.calls_of("conv1")] == ["(None, 8, 8)"] * 4
    assert [sorted(c.inputs) for c in a.calls_of("conv1")] == [[f"feature{i}"] for i in range(1, 5)]
    assert a.totals.tied == 32
    assert a.totals.saved_by_tying == 3 * 32
    assert a.layer("feature2_conv2").n_calls == 1


def test_shapes_per_call_differ_when_a_shared_layer_sees_different_inputs():
    import keras
    from keras import layers

    short, long = keras.Input((6, 2), name="short"), keras.Input((9, 2), name="long")
    flatten = layers.Flatten(name="shared_flatten")
    merged = layers.Concatenate(name="merge")([flatten(short), flatten(long)])
    a = analyse(keras.Model([short, long], layers.Dense(1, name="out")(merged)))
    assert [c.output_shape for c in a.calls_of("shared_flatten")] == ["(None, 12)", "(None, 18)"]


def test_whole_tower_shared_is_one_tower_applied_to_each_feature():
    spec = ModelSpec(variant="towers", shared_layers=3)
    a = analyse(build_model(spec))
    for name in ("conv1", "conv2", "conv3", "flatten"):
        assert a.layer(name).n_calls == 4
    assert a.totals.total == 2_000 + 102_600 + 20_100 + 4 * 1_010
    assert a.totals.total != 52_012  # still not model 1


def test_builds_are_deterministic_in_names_and_structure():
    first, second = analyse(build_model(MODEL_2)), analyse(build_model(MODEL_2))
    assert [layer.name for layer in first.layers] == [layer.name for layer in second.layers]
    assert first.calls == second.calls and first.totals == second.totals


def test_every_layer_has_a_readable_name():
    for variant, k in itertools.product(VARIANTS, (0, 1)):
        spec = clamp_k(ModelSpec(variant=variant, shared_layers=k))
        model = build_model(spec)
        names = [layer.name for layer in model.layers]
        assert len(set(names)) == len(names)
        assert not any(n.startswith(("conv1d", "dense_", "keras_")) for n in names), names


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        (ModelSpec(kernel_size=5), "time steps"),
        (ModelSpec(variant="towers", conv_filters=()), "at least one conv layer"),
        (ModelSpec(shared_layers=9), "between 0 and 5"),
        (ModelSpec(variant="nope"), "Unknown variant"),
        (
            ModelSpec(
                dense_units=(1024, 1024, 1024, 1024),
                conv_filters=(256, 256),
                timesteps=512,
                n_features=16,
                shared_layers=0,
            ),
            "over the limit",
        ),
        (ModelSpec(n_features=0), "n_features"),
        (ModelSpec(activation="swishy"), "activation"),
    ],
)
def test_validate_says_what_to_change(spec, words):
    with pytest.raises(SpecError, match=words):
        validate(spec)


def test_a_spec_checks_its_own_fields_and_leaves_variants_to_the_registry():
    with pytest.raises(SpecError, match="n_features"):
        ModelSpec(n_features=0).validate()
    # The value type knows no registry: an unknown variant or k is the registry's to refuse.
    assert ModelSpec(variant="nope", shared_layers=9).validate().variant == "nope"
    with pytest.raises(SpecError, match="Unknown variant"):
        validate(ModelSpec(variant="nope"))


def test_spec_is_hashable_and_frozen():
    assert hash(MODEL_1) == hash(ModelSpec())
    with pytest.raises(AttributeError):
        MODEL_1.shared_layers = 2  # type: ignore[misc]


def test_split_inputs_feeds_every_variant_from_one_array():
    import numpy as np

    x = np.random.default_rng(0).normal(size=(5, 10, 4)).astype("float32")
    for variant in VARIANTS:
        spec = ModelSpec(variant=variant, shared_layers=1)
        outputs = build_model(spec)(VARIANTS[variant].split_inputs(spec, x))
        assert [tuple(o.shape) for o in outputs] == [(5, 10)] * 4


def test_explanations_name_the_numbers():
    text = " ".join(explained_analysis(MODEL_2).extra["explanation"])
    assert "32 weights instead of 4 × 32" in text and "(3, 1, 8)" in text
    text = " ".join(explained_analysis(MODEL_1).extra["explanation"])
    assert "(3, 4, 8)" in text and "47,972" in text
