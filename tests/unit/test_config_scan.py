"""The plain-JSON scan against real Keras models: the parameters their config.json declares are
exactly `model.count_params()` for every kind of layer the scan has a rule for (a kind without
one counts none and is named in `unsized`), with layers and calls counted as the analysis
counts them; every keras.applications backbone within the limits passes."""

from __future__ import annotations

import io
import json
import zipfile

import keras
import pytest
from keras import layers

import models.uploads.graph_walk
from models.analysis.sharing import analyse
from models.architectures.variants import VARIANTS, build_model
from models.spec import ModelSpec
from models.uploads.config_scan import declared_model, read_config, scan_config
from models.uploads.examples import feature_towers, model_file_bytes, siamese
from models.uploads.limits import MAX_CALLS, MAX_LAYERS, MAX_WEIGHTS_MB, ModelUploadError
from support.applications import BACKBONES, QUICK, backbone
from support.applications import siamese as shared_pair


def saved_config(model) -> bytes:
    """config.json of the file `model.save` writes."""
    with zipfile.ZipFile(io.BytesIO(model_file_bytes(model))) as archive:
        return archive.read("config.json")


def serialized_config(model) -> str:
    """The same JSON without writing the weights (what `model.save` puts in config.json)."""
    return json.dumps(keras.saving.serialize_keras_object(model))


def assert_exact(model, text) -> None:
    declared = declared_model(read_config(text))
    assert declared.unsized == ()
    assert declared.params == model.count_params()
    analysis = analyse(model, max_calls=10**6)
    assert (declared.layers, declared.calls) == (analysis.n_layer_objects, analysis.n_calls)


@pytest.mark.parametrize("model", [siamese, feature_towers], ids=["siamese", "towers"])
def test_the_examples_sub_models_are_counted_exactly(model):
    model = model()
    assert_exact(model, saved_config(model))
    assert declared_model(read_config(saved_config(model))).nesting == (
        2 if model.name == "siamese" else 1
    )


def app_specs():
    for name, variant in VARIANTS.items():
        low, high = variant.shared_range(ModelSpec(variant=name))
        for k in sorted({low, (low + high) // 2, high}):
            yield pytest.param(ModelSpec(variant=name, shared_layers=k), id=f"{name}-k{k}")


@pytest.mark.parametrize("spec", list(app_specs()))
def test_the_apps_own_models_are_counted_exactly(spec):
    model = build_model(spec)
    assert_exact(model, saved_config(model))
    scan_config(saved_config(model))  # and pass


def sequences():
    tokens = keras.Input((12,), dtype="int32", name="tokens")
    x = layers.Embedding(50, 8)(tokens)
    x = layers.Conv1D(6, 3, dilation_rate=2, padding="causal")(x)
    x = layers.Bidirectional(layers.LSTM(5, return_sequences=True))(x)
    x = layers.GRU(4, return_sequences=True, reset_after=False)(x)
    x = layers.TimeDistributed(layers.Dense(3))(x)
    x = layers.GRU(7, return_sequences=True)(x)
    y = layers.SimpleRNN(3, return_sequences=True)(x)
    x = layers.MultiHeadAttention(2, 3, value_dim=4, output_shape=6)(x, y)
    x = layers.LayerNormalization(center=False)(x)
    x = layers.Conv1D(4, 2, strides=2, groups=2)(layers.ZeroPadding1D((1, 2))(x))
    x = layers.UpSampling1D(3)(layers.Cropping1D((0, 1))(x))
    x = layers.RMSNormalization()(layers.MaxPooling1D(2, padding="same")(x))
    x = layers.Reshape((-1, 2))(layers.Flatten()(x))
    x = layers.Dense(3)(layers.Permute((2, 1))(x))
    x = layers.Dense(2)(layers.RepeatVector(3)(layers.GlobalMaxPooling1D()(x)))
    return keras.Model(tokens, x)


def images():
    pixels = keras.Input((17, 15, 3))
    x = layers.ZeroPadding2D(((1, 2), (0, 1)))(layers.Normalization()(pixels))
    x = layers.Conv2D(4, (3, 2), strides=2, padding="same")(x)
    x = layers.SeparableConv2D(5, 3, depth_multiplier=2, use_bias=False)(x)
    x = layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same")(x)
    x = layers.BatchNormalization(center=False)(x)
    x = layers.Conv2DTranspose(3, 3, strides=2)(x)
    x = layers.Conv2DTranspose(2, 3, strides=2, padding="same", output_padding=1)(x)
    x = layers.UpSampling2D((2, 1))(layers.Cropping2D(((1, 0), (2, 1)))(x))
    x = layers.AveragePooling2D(2)(layers.MaxPooling2D(3, strides=2, padding="same")(x))
    x = layers.PReLU(shared_axes=[1, 2])(layers.GroupNormalization(groups=1)(x))
    wide = layers.GlobalAveragePooling2D(keepdims=True)(x)
    x = layers.Concatenate()(
        [layers.Conv2D(4, 1)(wide), layers.GlobalMaxPooling2D(keepdims=True)(x)]
    )
    x = layers.Add()([layers.Flatten()(x), layers.Dense(6)(layers.Flatten()(wide))])
    return keras.Model(pixels, layers.Dense(1)(x))


def volumes():
    cube = keras.Input((6, 7, 8, 2))
    x = layers.Conv3D(3, 2, dilation_rate=(1, 2, 1))(layers.ZeroPadding3D(1)(cube))
    x = layers.Conv3DTranspose(2, (2, 3, 1), strides=(1, 2, 2))(x)
    x = layers.MaxPooling3D(2)(layers.Cropping3D(((0, 1), 1, 2))(x))
    x = layers.UpSampling3D(2)(layers.AveragePooling3D(1)(x))
    x = layers.Conv1DTranspose(3, 4, strides=3)(layers.Reshape((-1, 2))(x))
    x = layers.SeparableConv1D(4, 2)(layers.DepthwiseConv1D(3, depth_multiplier=3)(x))
    flat = layers.Flatten()(layers.GlobalAveragePooling3D(keepdims=True)(cube))
    return keras.Model(cube, [layers.Dense(1)(layers.Flatten()(x)), layers.Dense(2)(flat)])


@pytest.mark.parametrize("build", [sequences, images, volumes])
def test_every_kind_with_a_rule_is_counted_exactly(build):
    model = build()
    assert_exact(model, saved_config(model))


def test_a_kind_without_a_rule_counts_nothing_and_is_named():
    x = keras.Input((4, 5))
    dense = layers.EinsumDense("abc,cd->abd", output_shape=(4, 3), bias_axes="d")
    model = keras.Model(x, layers.Dense(2)(dense(x)))
    declared = declared_model(read_config(saved_config(model)))
    assert declared.unsized == ("EinsumDense",)
    assert declared.params == model.count_params() - dense.count_params()


def test_the_saved_file_and_the_serialized_model_declare_the_same():
    model = shared_pair(backbone("MobileNetV3Small"))
    assert declared_model(read_config(saved_config(model))) == declared_model(
        read_config(serialized_config(model))
    )


def _cases():
    for name in BACKBONES:
        marks = () if name in (*QUICK, "ResNet50") else (pytest.mark.slow,)
        yield pytest.param(name, marks=marks, id=name)


@pytest.mark.parametrize("name", list(_cases()))
def test_every_backbone_alone_and_shared_declares_exactly_its_parameters(name, monkeypatch):
    net = backbone(name)
    pair = shared_pair(net)
    within = {}
    for model in (net, pair):
        text = serialized_config(model)
        with monkeypatch.context() as unlimited:  # to count past the layer and call limits
            unlimited.setattr(models.uploads.graph_walk, "MAX_LAYERS", 10**6)
            unlimited.setattr(models.uploads.graph_walk, "MAX_CALLS", 10**7)
            declared = declared_model(read_config(text))
        assert declared.params == model.count_params() and declared.unsized == ()
        within[model] = (
            declared.layers <= MAX_LAYERS
            and declared.calls <= MAX_CALLS
            and declared.weight_bytes <= MAX_WEIGHTS_MB * 2**20
        )
        if within[model]:
            assert scan_config(text) == declared
        else:  # EfficientNetB7's 813 layers, ConvNeXtXLarge's 1.4 GB of weights, ...
            with pytest.raises(ModelUploadError, match="the limit is"):
                scan_config(text)
    if name in ("ResNet50", "MobileNetV3Small", "ConvNeXtTiny"):
        assert within[net] and within[pair]
