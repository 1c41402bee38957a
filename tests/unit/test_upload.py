"""A person's own `.keras` file: nested and shared sub-models opened up, the page's outcome."""

from __future__ import annotations

import dataclasses

import pytest

from models.analysis.graph import to_dot
from models.analysis.palette import legend
from models.analysis.sharing import analyse
from models.analysis.tables import layer_table
from models.architectures.variants import VARIANTS, build_model
from models.spec import ModelSpec
from models.uploads.examples import feature_towers, model_file_bytes, siamese
from models.uploads.loader import (
    ModelUploadError,
    analyse_model_file,
)


def by_name(analysis):
    return {layer.name: layer for layer in analysis.layers}


def test_flat_model():
    import keras
    from keras import layers

    series = keras.Input((6, 2), name="series")
    x = layers.Flatten(name="flat")(series)
    out = layers.Dense(1, name="out")(layers.Dense(3, name="hidden")(x))
    analysis = analyse_model_file(model_file_bytes(keras.Model(series, out, name="flat_model")))
    assert [layer.name for layer in analysis.layers] == ["series", "flat", "hidden", "out"]
    assert analysis.tasks == ("out",) and analysis.inputs == ("series",)
    assert analysis.totals.total == 12 * 3 + 3 + 3 + 1 == analysis.totals.unrolled
    assert not any(layer.tied for layer in analysis.layers)


def test_sub_model_called_once_is_opened_up():
    import keras
    from keras import layers

    inner_in = keras.Input((5,), name="inner_in")
    block = keras.Model(inner_in, layers.Dense(2, name="dense")(inner_in), name="block")
    x = keras.Input((5,), name="x")
    model = keras.Model(x, layers.Dense(1, name="out")(block(x)), name="outer")
    analysis = analyse_model_file(model_file_bytes(model))
    layers_ = by_name(analysis)
    assert list(layers_) == ["x", "block/dense", "out"]
    assert layers_["block/dense"].n_calls == 1 and layers_["block/dense"].params == 12
    (call,) = analysis.calls_of("block/dense")
    assert call.parents == ("x#1",) and call.input_shapes == ("(None, 5)",)
    assert call.output_shape == "(None, 2)" and call.tasks == {"out"}
    assert analysis.totals.total == model.count_params() == 15


def test_siamese_sub_model_ties_every_inner_layer():
    model = siamese()
    analysis = analyse_model_file(model_file_bytes(model))
    layers_ = by_name(analysis)
    inner = ["encoder/conv1", "encoder/pool", "encoder/project/dense"]
    assert [n for n in layers_ if "/" in n] == inner  # a Sequential inside the sub-model too
    for name in inner:
        assert layers_[name].n_calls == 2 and layers_[name].role == "tied ×2 calls"
        first, second = analysis.calls_of(name)
        assert (first.inputs, second.inputs) == ({"left"}, {"right"})
        assert first.output_shape == second.output_shape
    assert analysis.calls_of("encoder/conv1")[1].input_shapes == ("(None, 10, 1)",)
    assert analysis.calls_of("difference")[0].parents == (
        "encoder/project/dense#1",
        "encoder/project/dense#2",
    )
    t = analysis.totals
    # conv1 3*1*8 + 8 = 32, dense 8*4 + 4 = 36 (both tied), same 4 + 1 = 5; one task.
    assert (t.total, t.tied, t.task_specific) == (model.count_params(), 68, 5) == (73, 68, 5)
    assert t.unrolled == t.independent == 2 * 68 + 5
    assert sum(layer.params for layer in analysis.layers) == t.total
    # The tables and the legend do not call a weightless layer called twice "tied".
    roles = dict(zip(*(layer_table(analysis)[c] for c in ("Layer", "Role")), strict=True))
    assert roles["encoder/pool"] == "called ×2 (no weights to tie)"
    assert roles["encoder/conv1"] == "tied ×2 calls"
    meanings = [text for _, text in legend(analysis)]
    assert "encoder/pool (called ×2, no weights)" in meanings
    assert "encoder/conv1 (×2, tied)" in meanings


def test_whole_shared_tower_sub_model_equals_towers_variant():
    """Model 2 with every tower layer shared, written as a sub-model: same figures as k=3."""
    analysis = analyse_model_file(model_file_bytes(feature_towers()))
    app_own = analyse(build_model(ModelSpec(variant="towers", shared_layers=3)))
    assert analysis.totals == app_own.totals
    assert analysis.totals.total == 128_740
    for name in ("conv1", "conv2", "conv3", "flatten"):
        assert by_name(analysis)[f"tower/{name}"].n_calls == 4
        assert by_name(analysis)[f"tower/{name}"].params == by_name(app_own)[name].params


def test_sequential_model():
    import keras
    from keras import layers

    model = keras.Sequential(
        [keras.Input((4,)), layers.Dense(3, name="a"), layers.Dense(2, name="b")], name="seq"
    )
    analysis = analyse_model_file(model_file_bytes(model))
    assert [layer.name for layer in analysis.layers if not layer.is_input] == ["a", "b"]
    assert analysis.tasks == ("b",) and analysis.totals.total == 15 + 8


def test_several_inputs_and_outputs_and_a_two_output_layer():
    import keras
    from keras import layers

    from models.architectures.cross_stitch import CrossStitch

    a, b = keras.Input((3,), name="a"), keras.Input((3,), name="b")
    shared = layers.Dense(4, name="shared")
    ha, hb = shared(a), shared(b)  # tied across the two inputs
    mixed = CrossStitch(name="mix")([ha, hb])  # one layer, two outputs: two tasks
    extra = layers.Dense(1, name="extra")(layers.Concatenate(name="cat")([ha, hb]))
    model = keras.Model([a, b], [*mixed, extra], name="multi")
    analysis = analyse_model_file(model_file_bytes(model))
    assert analysis.inputs == ("a", "b")
    assert analysis.tasks == ("mix[0]", "mix[1]", "extra")
    assert analysis.task_layers == ("mix", "mix", "extra")
    layers_ = by_name(analysis)
    assert layers_["shared"].n_calls == 2 and layers_["mix"].mixes_tasks
    first, second = analysis.calls_of("shared")
    assert first.tasks == {"mix[0]", "extra"} and second.tasks == {"mix[1]", "extra"}
    assert analysis.totals.total == model.count_params()


@pytest.mark.parametrize(
    "spec",
    [
        ModelSpec(variant=name, shared_layers=k)
        for name in VARIANTS
        for k in (1, VARIANTS[name].shared_range(ModelSpec(variant=name))[1])
    ],
    ids=lambda spec: f"{spec.variant}-k{spec.shared_layers}",
)
def test_app_models_analyse_the_same_after_upload(spec):
    model = build_model(spec)
    assert analyse_model_file(model_file_bytes(model)) == analyse(model)


def _dense_inside_and_out():
    """One Dense object called inside a sub-model and directly on the same input."""
    import keras
    from keras import layers

    dense = layers.Dense(2, name="dense")
    inner_in = keras.Input((3,), name="inner_in")
    block = keras.Model(inner_in, dense(inner_in), name="block")
    x = keras.Input((3,), name="x")
    return keras.Model(x, [block(x), dense(x)], name="both")


def test_layer_used_directly_and_inside_a_sub_model_counts_once():
    model = _dense_inside_and_out()
    analysis = analyse(model)
    assert [layer.name for layer in analysis.layers] == ["x", "dense"]  # its shallowest name
    assert by_name(analysis)["dense"].n_calls == 2
    assert analysis.tasks == ("dense#1", "dense#2")
    assert analysis.totals.total == model.count_params() == 8
    assert analysis.totals.unrolled == 16


def test_layer_used_directly_and_inside_is_refused_by_keras_with_a_message():
    """Keras saves such a model but cannot load it back; the page says so."""
    model = _dense_inside_and_out()
    with pytest.raises(ModelUploadError, match="Keras could not load this file"):
        analyse_model_file(model_file_bytes(model))


def test_sub_model_called_on_other_shapes_reports_the_call_shapes():
    import keras
    from keras import layers

    any_length = keras.Input((None, 2), name="any_length")
    block = keras.Model(any_length, layers.Dense(3, name="dense")(any_length), name="block")
    x = keras.Input((7, 2), name="x")
    (call,) = analyse(keras.Model(x, block(x))).calls_of("block/dense")
    assert call.input_shapes == ("(None, 7, 2)",) and call.output_shape == "(None, 7, 3)"


def test_nested_names_render_in_both_graph_views():
    analysis = analyse_model_file(model_file_bytes(siamese()))
    assert "encoder/conv1 · Conv1D" in to_dot(analysis, "layers")
    assert "32 params · ×2 calls" in to_dot(analysis, "layers")
    assert "call 2/2" in to_dot(analysis, "calls", "LR")


def test_too_many_calls_is_refused(monkeypatch):
    import models.uploads.loader

    monkeypatch.setattr(models.uploads.loader, "MAX_CALLS", 5)
    with pytest.raises(ModelUploadError, match="more than 5 layer calls"):
        analyse_model_file(model_file_bytes(siamese()))


# --- the page's side: what a worker's outcome becomes ----------------------------------------


def test_analysis_is_plain_data_that_pickles():
    import pickle

    analysis = analyse_model_file(model_file_bytes(siamese()))
    assert pickle.loads(pickle.dumps(analysis)) == analysis
    assert all(not hasattr(v, "_keras_history") for v in dataclasses.astuple(analysis))


def _shared_levels(levels: int, calls: int):
    """Each level calls the one below `calls` times: calls**levels calls of the innermost layer."""
    import keras
    from keras import layers

    x = keras.Input((2,), name="x0")
    block = keras.Model(x, layers.Dense(2, name="dense")(x), name="level0")
    for depth in range(1, levels + 1):
        x = keras.Input((2,), name=f"x{depth}")
        y = x
        for _ in range(calls):
            y = block(y)
        block = keras.Model(x, y, name=f"level{depth}")
    return model_file_bytes(block)


def test_shared_nesting_stops_at_the_call_cap_before_keras_loads_it(monkeypatch):
    """3**7 = 2187 calls of the innermost layer, counted from config.json alone."""
    import keras

    def never(*args, **kwargs):
        raise AssertionError("Keras was asked to load a file its config already refuses")

    monkeypatch.setattr(keras.saving, "load_model", never)
    with pytest.raises(ModelUploadError, match="more than 2000 layer calls; the limit is 2000"):
        analyse_model_file(_shared_levels(7, 3))


def test_doubly_shared_nesting_past_the_depth_limit_is_refused():
    """Twelve levels, each calling the one below twice (2**12 innermost calls)."""
    with pytest.raises(ModelUploadError, match="nests sub-models more than 8 levels deep"):
        analyse_model_file(_shared_levels(12, 2))
