"""Hand-written `.keras` archives and configs that declare more than they hold, for the
upload scan's tests."""

from __future__ import annotations

import io
import json
import zipfile


def tensor(source: str, shape: list) -> dict:
    config = {"shape": shape, "dtype": "float32", "keras_history": [source, 0, 0]}
    return {"class_name": "__keras_tensor__", "config": config}


def layer(kind: str, name: str, config: dict, *sources: tuple[str, list]) -> dict:
    nodes = [{"args": [tensor(s, shape) for s, shape in sources], "kwargs": {}}]
    return {
        "module": "keras.layers",
        "class_name": kind,
        "name": name,
        "config": {"name": name, **config},
        "inbound_nodes": nodes if sources else [],
    }


def functional(*layers: dict, name: str = "model") -> dict:
    """A functional model as Keras 3.15 writes it: Keras would load it and build every layer."""
    inputs = [[entry["name"], 0, 0] for entry in layers if entry["class_name"] == "InputLayer"]
    config = {
        "name": name,
        "trainable": True,
        "layers": list(layers),
        "input_layers": inputs,
        "output_layers": [[layers[-1]["name"], 0, 0]],
    }
    return {
        "module": "keras.src.models.functional",
        "class_name": "Functional",
        "config": config,
        "registered_name": "Functional",
    }


def dense_model(inputs: int, units: object, declared: int | None = None) -> dict:
    """Input(inputs) -> Dense(units); the Dense's input declared as `declared` wide."""
    x = layer("InputLayer", "x", {"batch_shape": [None, inputs]})
    big = layer("Dense", "big", {"units": units}, ("x", [None, declared or inputs]))
    return functional(x, big)


def keras_file(config: object) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config.json", json.dumps(config))
        archive.writestr("metadata.json", json.dumps({"keras_version": "3.15.1"}))
    return out.getvalue()


BOMB = keras_file(dense_model(30_000, 30_000, declared=1))  # it even declares a 1-wide input


def nested(levels: int) -> dict:
    model = dense_model(4, 1)
    for level in range(levels):
        model["name"] = f"level{level}"
        model["inbound_nodes"] = [{"args": [tensor("x", [None, 4])], "kwargs": {}}]
        model = functional(layer("InputLayer", "x", {"batch_shape": [None, 4]}), model)
    return model
