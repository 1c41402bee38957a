"""Generated Keras code rebuilds the model exactly, for every variant and sharing setting."""

from __future__ import annotations

import re
import shutil
import subprocess

import keras
import pytest
from keras.src.saving import object_registration

from models.analysis.sharing import analyse
from models.architectures.presets import MODEL_2
from models.architectures.variants import VARIANTS, build_model, validate
from models.codegen.writer import CodegenError, generate_code
from models.inspect import code_for_spec
from models.spec import ModelSpec, SpecError
from support.codegen_layers import MixUnits, mixed_model
from support.rebuild import assert_same_model, run_code

OTHER_SIZES = ModelSpec(
    n_features=3,
    timesteps=12,
    horizon=5,
    conv_filters=(4, 6),
    kernel_size=2,
    dense_units=(16,),
    activation="tanh",
)


def _specs(sizes: ModelSpec) -> list[ModelSpec]:
    """Every variant at every allowed k for `sizes`."""
    specs = []
    for name, variant in VARIANTS.items():
        spec = sizes.replace(variant=name)
        low, high = variant.shared_range(spec)
        specs += [spec.replace(shared_layers=k) for k in range(low, high + 1)]
    return specs


def _valid(spec: ModelSpec) -> bool:
    try:
        validate(spec)
    except SpecError:
        return False
    return True


# Two of five series forecast, three read as inputs only.
INPUT_ONLY_SIZES = OTHER_SIZES.replace(n_features=5, extra_inputs=3)

DEFAULT_SPECS = _specs(ModelSpec())
# The other sizes repeat every round trip: the quick loop leaves them to the full run.
ALL_SPECS = DEFAULT_SPECS + [
    pytest.param(s, marks=pytest.mark.slow)
    for sizes in (OTHER_SIZES, INPUT_ONLY_SIZES)
    for s in _specs(sizes)
    if _valid(s)
]


def _spec_id(spec: ModelSpec) -> str:
    sizes = "default" if spec.replace(variant="hard", shared_layers=5) == ModelSpec() else "other"
    sizes += f"-{spec.extra_inputs}-inputs-only" if spec.extra_inputs else ""
    return f"{spec.variant}-k{spec.shared_layers}-{sizes}"


@pytest.fixture
def clean_registry():
    """Exec'd custom classes register themselves; leave Keras' registry as it was."""
    # Register the app's own layers before the snapshot: restoring a snapshot taken before
    # their first import would unregister them for the rest of the session.
    import models.architectures.cross_stitch  # noqa: F401
    import models.architectures.mmoe  # noqa: F401

    objects = dict(object_registration.GLOBAL_CUSTOM_OBJECTS)
    names = dict(object_registration.GLOBAL_CUSTOM_NAMES)
    yield
    object_registration.GLOBAL_CUSTOM_OBJECTS.clear()
    object_registration.GLOBAL_CUSTOM_OBJECTS.update(objects)
    object_registration.GLOBAL_CUSTOM_NAMES.clear()
    object_registration.GLOBAL_CUSTOM_NAMES.update(names)


@pytest.mark.parametrize("spec", ALL_SPECS, ids=_spec_id)
def test_generated_code_rebuilds_the_model(spec, clean_registry):
    source = code_for_spec(spec)
    assert max(len(line) for line in source.splitlines()) <= 100
    assert_same_model(build_model(spec), run_code(source))


def test_long_unpacking_targets_wrap(clean_registry):
    inputs = [keras.Input((4,), name=f"a_rather_long_input_name_{i}") for i in range(4)]
    mixed = MixUnits(name="a_rather_long_mixing_layer_name")(inputs)
    original = keras.Model(
        inputs, [keras.layers.Dense(1, name=f"h{i}")(x) for i, x in enumerate(mixed)]
    )
    source = generate_code(original, embed_packages=("support.codegen_layers",))
    assert max(len(line) for line in source.splitlines()) <= 100
    assert "\n) = a_rather_long_mixing_layer_name(" in source
    assert_same_model(original, run_code(source))


@pytest.mark.parametrize("spec", DEFAULT_SPECS, ids=_spec_id)
def test_same_weights_comment_marks_exactly_the_repeated_calls(spec):
    source = code_for_spec(spec)
    analysis = analyse(build_model(spec))
    tied = {layer.name: layer.n_calls for layer in analysis.layers if layer.tied}
    marked = re.findall(r"# (\w+) again: same weights \(shared\)", source)
    assert {name: marked.count(name) + 1 for name in set(marked)} == tied
    assert source.count("same weights (shared)") == sum(n - 1 for n in tied.values())
    for name in tied:  # created once, however often it is called
        assert len(re.findall(rf"^{name} = layers\.", source, flags=re.MULTILINE)) == 1


def test_code_is_short_and_teaches_sharing():
    source = code_for_spec(ModelSpec(variant="towers", shared_layers=1))
    assert 'conv1 = layers.Conv1D(8, 3, activation="relu", name="conv1")' in source
    assert "conv1_out2 = conv1(feature2)  # conv1 again: same weights (shared)" in source
    assert "# Parameters: 134,644" in source and '#   variant = "towers"' in source
    assert "kernel_initializer" not in source and "padding" not in source  # defaults left out
    assert "summary()" not in source
    assert source.rstrip().endswith(")") and "model = keras.Model(" in source
    assert max(len(line) for line in source.splitlines()) <= 100


def _sources_to_lint() -> dict[str, str]:
    return {
        "towers_k2": code_for_spec(ModelSpec(variant="towers", shared_layers=2)),
        "hard_k0_other": code_for_spec(OTHER_SIZES.replace(shared_layers=0)),
        "custom_layer": generate_code(mixed_model(3), embed_packages=("support.codegen_layers",)),
    }


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is a dev dependency")
def test_generated_code_is_ruff_clean(tmp_path):
    paths = []
    for name, source in _sources_to_lint().items():
        compile(source, name, "exec")
        paths.append(tmp_path / f"{name}.py")
        paths[-1].write_text(source)
    common = ["--isolated", "--line-length", "100", *map(str, paths)]
    lint = subprocess.run(
        ["ruff", "check", "--select", "E,F,W,I,B,UP", *common], capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout
    fmt = subprocess.run(["ruff", "format", "--diff", *common], capture_output=True, text=True)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_non_default_settings_and_odd_names_round_trip():
    x = keras.Input((16, 3), name="in put")
    conv = keras.layers.Conv1D(
        4,
        5,
        strides=2,
        padding="same",
        use_bias=False,
        kernel_initializer=keras.initializers.HeNormal(seed=3),
        name="2nd-conv",
    )
    y = keras.layers.GlobalAveragePooling1D(name="class")(conv(x))
    y = keras.layers.Dropout(0.25, seed=1, name="drop")(y)
    original = keras.Model(x, {"out": keras.layers.Dense(2, name="lambda")(y)}, name="odd")
    source = generate_code(original)
    assert "strides=2" in source and 'padding="same"' in source and "use_bias=False" in source
    assert "keras.initializers.HeNormal(seed=3)" in source
    assert "_2nd_conv = layers.Conv1D(" in source and "_class = layers." in source
    assert "training=" not in source and "mask=" not in source  # Keras fills these in
    assert_same_model(original, run_code(source))


@pytest.mark.parametrize("n_inputs", [2, 3, 1])
def test_project_layer_class_is_pasted_in_and_list_calls_unpack(n_inputs, clean_registry):
    original = mixed_model(n_inputs)
    source = generate_code(original, embed_packages=("support.codegen_layers",))
    assert "class MixUnits(keras.layers.Layer):" in source
    assert '@keras.saving.register_keras_serializable(package="lse_test")' in source
    assert "SELF_WEIGHT = 0.8" in source and "def mixing_matrix(" in source
    assert source.count("from __future__ import annotations") == 1  # as in the class's module
    assert "from keras import layers, ops" in source and "support.codegen_layers" not in source
    assert "mix1 = MixUnits(name=" in source and "MixUnits(self_weight=0.6" in source
    assert "encoder again: same weights" in source or n_inputs == 1
    if n_inputs == 1:
        assert "(mix1_out_1,) = mix1([encoder_out])" in source
    assert_same_model(original, run_code(source))
    assert_same_model(original, run_code(source))  # pasting it twice in one process is fine


def test_other_custom_layer_classes_are_imported():
    source = generate_code(mixed_model(2))
    assert "from support.codegen_layers import MixUnits" in source
    assert "class MixUnits" not in source
    assert_same_model(mixed_model(2), run_code(source))


def test_operations_that_are_not_layers_are_refused():
    a, b = keras.Input((3,), name="a"), keras.Input((3,), name="b")
    model = keras.Model([a, b], keras.layers.Dense(1, name="d")(keras.ops.add(a, b)))
    with pytest.raises(CodegenError, match="not a layer"):
        generate_code(model)


def test_a_frozen_layer_object_is_written_frozen_once_and_rebuilds_frozen(clean_registry):
    spec = MODEL_2.on(ModelSpec()).replace(frozen=("conv1",))
    source = code_for_spec(spec)
    assert source.count("trainable=False") == 1  # on the object, not on each of its 4 calls
    rebuilt = run_code(source)
    assert_same_model(build_model(spec), rebuilt)
    assert not rebuilt.get_layer("conv1").trainable
    assert len(rebuilt.trainable_weights) == len(rebuilt.weights) - 2  # conv1's kernel and bias
