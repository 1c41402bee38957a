"""Running generated Keras code and checking that it rebuilds a model exactly."""

from __future__ import annotations

import keras
import numpy as np

from models.analysis.sharing import analyse


def run_code(source: str):
    """Exec generated code in a fresh namespace and return its `model`."""
    namespace = {"__name__": "generated_model"}
    exec(compile(source, "<generated>", "exec"), namespace)
    return namespace["model"]


def assert_same_model(original, rebuilt) -> None:
    """Layer for layer, parameter for parameter, call for call, and output for output."""
    assert rebuilt.name == original.name
    assert [layer.name for layer in rebuilt.layers] == [layer.name for layer in original.layers]
    for a, b in zip(original.layers, rebuilt.layers, strict=True):
        assert type(b).__name__ == type(a).__name__
        assert b.get_config() == a.get_config()
        assert [tuple(w.shape) for w in b.weights] == [tuple(w.shape) for w in a.weights]
    assert rebuilt.count_params() == original.count_params()
    assert analyse(rebuilt) == analyse(original)

    for layer in original.layers:
        rebuilt.get_layer(layer.name).set_weights(layer.get_weights())
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=(3, *t.shape[1:])).astype("float32") for t in original.inputs]
    batch = keras.tree.pack_sequence_as(original._inputs_struct, arrays)
    want = keras.tree.flatten(original(batch, training=False))
    got = keras.tree.flatten(rebuilt(batch, training=False))
    for w, g in zip(want, got, strict=True):
        np.testing.assert_allclose(keras.ops.convert_to_numpy(g), keras.ops.convert_to_numpy(w))
