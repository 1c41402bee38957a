"""Constructor arguments for generated code: only what differs from a layer class's defaults.

A layer's `get_config()` is compared with the config of a default-constructed instance of its
class (required arguments filled in), so the code says `Conv1D(8, 3, activation="relu")` rather
than all twenty settings.
"""

from __future__ import annotations

import importlib
import inspect

from models.codegen.source import CodegenError, literal

_ARG_KINDS = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


def input_items(layer) -> list[str]:
    """Arguments of `keras.Input(...)` that rebuild an InputLayer."""
    config = layer.get_config()
    batch_shape = config["batch_shape"]
    items = [f"shape={literal(tuple(batch_shape[1:]))}"]
    if batch_shape[0] is not None:
        items.append(f"batch_size={batch_shape[0]}")
    if config.get("dtype") not in (None, "float32"):
        items.append(f"dtype={value_source(config['dtype'])}")
    for flag in ("sparse", "optional"):
        if config.get(flag):
            items.append(f"{flag}=True")
    items.append(f"name={literal(layer.name)}")
    return items


def constructor_items(layer) -> list[str]:
    """Constructor arguments that rebuild `layer`: required ones positionally, then changes."""
    cls = type(layer)
    config = layer.get_config()
    params = inspect.signature(cls.__init__).parameters
    takes_kwargs = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    named = {n: p for n, p in list(params.items())[1:] if p.kind in _ARG_KINDS}
    required = {n: p for n, p in named.items() if p.default is inspect.Parameter.empty}
    missing = [n for n in required if n not in config]
    if missing:
        raise CodegenError(f"{cls.__name__}.get_config() lacks {missing}; cannot rebuild it.")
    base = {n: config[n] for n in required}
    try:
        defaults = cls(**base).get_config()
    except Exception:  # an odd constructor: spell out every setting instead
        defaults = {}
    items = []
    for n, p in required.items():
        value = value_source(_shortest(cls, base, n, config[n]))
        items.append(value if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD else f"{n}={value}")
    ordered = [n for n in named if n in config] + [n for n in config if n not in named]
    for n in ordered:
        if n in required or n == "name" or (n in defaults and defaults[n] == config[n]):
            continue
        if n not in named and not takes_kwargs:
            raise CodegenError(f"{cls.__name__} cannot take {n!r} back; cannot rebuild it.")
        items.append(f"{n}={value_source(_shortest(cls, base, n, config[n]))}")
    if "name" in config:
        items.append(f"name={literal(config['name'])}")
    return items


def _shortest(cls, base: dict, key: str, value):
    """`3` instead of `(3,)` when the class turns the short form into the same config value."""
    if not (isinstance(value, tuple) and value and isinstance(value[0], int)):
        return value
    if any(v != value[0] for v in value):
        return value
    try:
        same = cls(**{**base, key: value[0]}).get_config().get(key) == value
    except Exception:  # the short form is not accepted; keep the long one
        return value
    return value[0] if same else value


def value_source(value) -> str:
    """Source for a config value; serialized Keras objects become constructor calls."""
    if isinstance(value, dict) and {"module", "class_name", "config"} <= value.keys():
        call = _keras_object_call(value)
        if call is not None:
            return call
    return literal(value)


def _keras_object_call(serialized: dict) -> str | None:
    """`keras.initializers.HeNormal(seed=1)` for a serialized Keras object, when exact."""
    import keras

    module, name, config = serialized["module"], serialized["class_name"], serialized["config"]
    if not (module == "keras" or module.startswith("keras.")) or not isinstance(config, dict):
        return None
    try:
        cls = getattr(importlib.import_module(module), name)
        rebuilt = keras.saving.serialize_keras_object(cls(**config))
        if rebuilt != serialized:
            return None
        try:
            defaults = cls().get_config()
        except Exception:  # required arguments: spell out every setting
            defaults = {}
        changed = {k: v for k, v in config.items() if k not in defaults or defaults[k] != v}
        args = ", ".join(f"{k}={literal(v)}" for k, v in changed.items())
    except Exception:  # not rebuildable this way; the caller writes the dict
        return None
    return f"{module}.{name}({args})"
