"""The walk of a model's config (Keras 3 `.keras` format) from its inputs to its outputs, each
layer sized by its rule as it is called: functional and Sequential models, sub-models inside
them to MAX_NESTING levels. Used by `models.uploads.config_scan`; no Keras.
"""

from __future__ import annotations

from models.uploads.declared_sizes import Shape, UnknownSize, broadcast, merged, shapes_of
from models.uploads.layer_rules import RULES
from models.uploads.limits import MAX_CALLS, MAX_LAYERS, MAX_NESTING, ModelUploadError

CONTAINERS = ("Functional", "Sequential")
# Keras operations written between layers (`x + y` in a functional model): no weights
BROADCAST_OPS = {"Add", "Subtract", "Multiply", "Divide", "TrueDivide", "Maximum", "Minimum"}
# Tensors passed by name that are a call's inputs (MultiHeadAttention's value and key)
TENSOR_KWARGS = ("inputs", "query", "value", "key")
READ_ERRORS = (TypeError, KeyError, IndexError, AttributeError, ValueError, ZeroDivisionError)


class ModelWalk:
    """Totals over every layer object of one config (inputs left out, as the analysis counts),
    and the limits checked as they grow."""

    def __init__(self) -> None:
        self.layers = self.calls = self.nesting = self.params = self.weight_bytes = 0
        self.biggest: tuple[str, str, int] = ("", "", 0)
        self.unsized: set[str] = set()

    def model(self, entry: dict, path: str, level: int, given: list[Shape], times: int = 1):
        """Walk a functional or Sequential model called `times` times on inputs `given`;
        returns its outputs' shapes (None where not known)."""
        kind = entry.get("class_name")
        config = entry.get("config")
        layers = config.get("layers") if isinstance(config, dict) else None
        if kind not in CONTAINERS or not isinstance(layers, list):
            where = "Its config.json" if level == 0 else f"Sub-model `{path[:-1]}`"
            raise ModelUploadError(
                f"{where} describes a `{str(kind)[:40]}`, not a functional or Sequential model "
                "with a list of layers."
            )
        if level > MAX_NESTING:
            raise ModelUploadError(
                f"This model nests sub-models more than {MAX_NESTING} levels deep; the limit is "
                f"{MAX_NESTING}."
            )
        self.nesting = max(self.nesting, level)
        if len(layers) > 2 * MAX_LAYERS:  # before any is read: nested inputs are all it omits
            self._too_many()
        if kind == "Sequential":
            return self._sequential(entry, layers, path, level, given, times)
        return self._functional(config, layers, path, level, times)

    def _functional(self, config: dict, layers: list, path: str, level: int, times: int):
        made: dict[str, list[list[Shape | None]]] = {}  # layer -> per call -> output shapes

        def made_by(name, call, index):
            calls = made.get(name, [])
            outputs = calls[call] if 0 <= call < len(calls) else []
            return outputs[index] if 0 <= index < len(outputs) else None

        for entry in layers:
            kind, name = _kind_and_name(entry)
            if kind == "InputLayer":
                made[name] = [_input_shape(entry)]  # not counted: the analysis leaves inputs out
                continue
            nodes = entry.get("inbound_nodes", [])
            if not isinstance(nodes, list):
                _refuse(path + name, kind, "has inbound nodes that are not a list")
            calls = [_guarded(path + name, kind, call_inputs, n, made_by) for n in nodes]
            if kind in CONTAINERS:  # a sub-model's weights follow from its own inputs
                given = calls[0] if calls else []
                inner = self.model(entry, f"{path}{name}/", level + 1, given, times * len(calls))
                made[name] = [inner] * len(calls)
            else:
                made[name] = self._layer(entry, kind, path + name, calls, times)
        return [made_by(*triple) for triple in _triples(config.get("output_layers"))]

    def _sequential(self, entry: dict, layers: list, path: str, level: int, given, times):
        built = shapes_of((entry.get("build_config") or {}).get("input_shape"))
        shape = (built or given or [None])[0]
        for layer in layers:
            kind, name = _kind_and_name(layer)
            if kind == "InputLayer":
                shape = _input_shape(layer)[0]
            elif kind in CONTAINERS:
                shape = self.model(layer, f"{path}{name}/", level + 1, [shape], times)[0]
            else:
                shape = self._layer(layer, kind, path + name, [[shape]] if shape else [], times)
                shape = shape[0][0] if shape and shape[0] else None
        return [shape]

    def _layer(self, entry: dict, kind: str, path: str, calls: list, times: int):
        """Count one layer object and its calls; returns each call's output shapes."""
        self._count(len(calls) * times)
        config = entry["config"]
        if str(entry.get("module", "")).startswith("keras.src.ops"):
            return [[broadcast(c) if kind in BROADCAST_OPS and c else None] for c in calls]
        rule = RULES.get(kind)
        if rule is None:
            self.unsized.add(kind)
            return [[None] for _ in calls]
        built = shapes_of((entry.get("build_config") or {}).get("input_shape"))
        sized, outputs = [], []
        for inputs in calls + ([built] if built else []):
            try:
                params, made = _guarded(path, kind, rule, config, inputs)
            except UnknownSize:
                params, made = None, [None]
            if params is not None:
                sized.append(params)
            outputs.append(made)
        if not sized and (calls or built):
            _refuse(
                path, kind, f"has inputs of open size {(calls or [built])[0]}; Keras needs them"
            )
        self._add(path, kind, max(sized, default=0), config.get("dtype"))
        return outputs[: len(calls)]

    def _count(self, calls: int) -> None:
        self.layers += 1
        self.calls += calls
        if self.layers > MAX_LAYERS:
            self._too_many()
        if self.calls > MAX_CALLS:
            raise ModelUploadError(
                f"With its sub-models opened up, this model has more than {MAX_CALLS} layer "
                f"calls; the limit is {MAX_CALLS}."
            )

    def _too_many(self) -> None:
        raise ModelUploadError(
            f"With its sub-models opened up, this model has more than {MAX_LAYERS} layers; the "
            f"limit is {MAX_LAYERS}."
        )

    def _add(self, path: str, kind: str, params: int, dtype: object) -> None:
        name = (dtype.get("config") or {}).get("name") if isinstance(dtype, dict) else dtype
        self.params += params
        self.weight_bytes += params * (8 if "64" in str(name) else 4)
        if params > self.biggest[2]:
            self.biggest = (path, kind, params)


def call_inputs(node: object, made_by) -> list[Shape]:
    """The input shapes of one call, an inbound node ({"args": [...], "kwargs": {...}}).

    Each input tensor names the call that made it (`keras_history`); `made_by` gives that
    output's shape as worked out (None if not), and the shape the file declares fills gaps.
    """
    if not isinstance(node, dict):
        raise ModelUploadError("has an inbound node that is not a Keras 3 node")
    args, kwargs = node.get("args", []), node.get("kwargs", {})
    if not isinstance(args, list) or not isinstance(kwargs, dict):
        raise ModelUploadError("has an inbound node with malformed arguments")
    shapes, stack = [], [kwargs[k] for k in reversed(TENSOR_KWARGS) if k in kwargs] + [args]
    while stack:  # depth-first, left to right, without recursion
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict) and item.get("class_name") == "__keras_tensor__":
            shapes.append(_tensor_shape(item.get("config"), made_by))
        elif isinstance(item, dict) and item.get("class_name") == "__tuple__":
            stack.append((item.get("config") or {}).get("value"))
    return shapes


def _tensor_shape(config: object, made_by) -> Shape:
    history = config.get("keras_history") if isinstance(config, dict) else None
    if not (
        isinstance(history, list)
        and len(history) == 3
        and isinstance(history[0], str)
        and all(isinstance(i, int) and not isinstance(i, bool) for i in history[1:])
    ):
        raise ModelUploadError("has an input tensor that names no layer it comes from")
    declared = shapes_of(config.get("shape"), "shape")
    shape = merged(made_by(*history), declared[0] if declared else None)
    if shape is None:
        raise ModelUploadError(f"has an input from `{history[0][:60]}` of no known shape")
    return shape


def _input_shape(entry: dict) -> list[Shape | None]:
    config = entry["config"]
    shape = config.get("batch_shape", config.get("batch_input_shape"))
    return shapes_of(shape, "batch_shape") or [None]


def _kind_and_name(entry: object) -> tuple[str, str]:
    entry = entry if isinstance(entry, dict) else {}
    config = entry.get("config")
    name = entry.get("name", config.get("name") if isinstance(config, dict) else None)
    kind = entry.get("class_name")
    if not isinstance(kind, str) or not isinstance(config, dict) or not isinstance(name, str):
        raise ModelUploadError(
            "Its config.json lists a layer without a class name, a name or a config: "
            f"{str(entry)[:80]}"
        )
    return kind, name


def _triples(value: object) -> list[tuple]:
    """[layer, call, index] references in `output_layers` (one, a list, or a dict of them)."""
    found, stack = [], [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list) and len(item) == 3 and isinstance(item[0], str):
            found.append(tuple(item))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return [t for t in found if all(isinstance(i, int) for i in t[1:])]


def _guarded(path: str, kind: str, fn, *args):
    """`fn(*args)`, with a refusal naming the layer for anything its config makes it raise."""
    try:
        return fn(*args)
    except UnknownSize:
        raise
    except ModelUploadError as error:
        _refuse(path, kind, str(error))
    except READ_ERRORS as error:
        _refuse(path, kind, f"has a config this app cannot read ({type(error).__name__})")


def _refuse(path: str, kind: str, what: str):
    raise ModelUploadError(f"Layer `{path[:80]}` ({kind[:40]}) {what}.")
