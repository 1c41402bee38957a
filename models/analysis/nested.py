"""A model's graph as a flat list of layer calls, with nested and shared sub-models opened up.

In Keras' own graph a functional or Sequential model called inside another model is one node.
Here its layers' calls appear instead, once per call of the sub-model (a sub-model called on
two inputs calls each of its layers twice: the same variables, so they are tied), under a
qualified name such as `encoder/conv1`. "/" is the one character Keras forbids in a layer name,
so a qualified name never clashes with a real one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SEP = "/"


class GraphTooLarge(ValueError):
    """Opening up the sub-models would give more calls than the caller allows."""


@dataclass(eq=False)
class FlatCall:
    """One call of one layer object, wherever it sits in the nesting of models."""

    op: object  # the Keras layer (never a sub-model: those are opened up)
    path: tuple[str, ...]  # names of the sub-models it is inside, outermost first
    order: tuple[int, ...]  # node indices from the outer model inwards: orders one op's calls
    parents: list[tuple[FlatCall, int]]  # (producing call, output index), one per input tensor
    input_specs: list  # KerasTensors with this call's input shapes
    output_specs: list = field(default_factory=list)


Value = tuple[FlatCall, int]


def _node_of(tensor):
    op, node_index, _ = tensor._keras_history
    return op, node_index


def _visit_order(model) -> list[tuple[object, int]]:
    """(operation, node_index) for every node reachable from the outputs, parents first.

    Iterative (a chain of hundreds of layers would overflow Python's recursion limit); the
    order is exactly that of a recursive depth-first walk from each output in turn.
    """
    order, seen = [], set()
    for tensor in model.outputs:
        stack = [(_node_of(tensor), False)]
        while stack:
            (op, node_index), finished = stack.pop()
            if finished:
                order.append((op, node_index))
                continue
            if (id(op), node_index) in seen:
                continue
            seen.add((id(op), node_index))
            stack.append(((op, node_index), True))
            parents = op._inbound_nodes[node_index].input_tensors
            stack += [(_node_of(p), False) for p in reversed(parents)]
    return order


def _sub_model(op, node):
    """`op` as a model whose graph can be opened up at this node, or None (an ordinary layer)."""
    import keras

    if not isinstance(op, keras.Model):
        return None
    try:  # a Sequential model never built with an input shape has no graph
        inputs, outputs = op.inputs, op.outputs
    except (AttributeError, ValueError):
        return None
    if not inputs or not outputs:
        return None
    if len(inputs) != len(node.input_tensors) or len(outputs) != len(node.outputs):
        return None
    return op


def _output_specs(op, node, input_specs: list) -> list:
    """The call's output tensors; recomputed when a sub-model is called on other shapes."""
    if all(
        tuple(a.shape) == tuple(b.shape)
        for a, b in zip(input_specs, node.input_tensors, strict=True)
    ):
        return list(node.outputs)
    import keras

    try:
        filled = {id(t): s for t, s in zip(node.input_tensors, input_specs, strict=True)}
        args, kwargs = node.arguments.fill_in(filled)
        specs = keras.tree.flatten(op.compute_output_spec(*args, **kwargs))
    except Exception:  # any layer may refuse; the shapes it was built with still describe it
        return list(node.outputs)
    return specs if len(specs) == len(node.outputs) else list(node.outputs)


class _Flattener:
    def __init__(self, max_calls: int | None):
        self.calls: list[FlatCall] = []
        self.max_calls = max_calls

    def add(self, call: FlatCall) -> None:
        self.calls.append(call)
        if self.max_calls is not None and len(self.calls) > self.max_calls:
            raise GraphTooLarge(
                f"With its sub-models opened up, the model has more than {self.max_calls} "
                "layer calls."
            )

    def expand(self, model, given: list[Value] | None, path: tuple, order: tuple) -> list[Value]:
        """Add every call of `model`'s graph; `given` feeds a sub-model's inputs."""
        values: dict[int, Value] = {}  # id(tensor in this graph) -> the value it holds
        if given is not None:
            values.update({id(t): v for t, v in zip(model.inputs, given, strict=True)})
        for op, node_index in _visit_order(model):
            node = op._inbound_nodes[node_index]
            if node.outputs and all(id(t) in values for t in node.outputs):
                continue  # a sub-model's own input: it holds what the outer call passed in
            parents = [values[id(t)] for t in node.input_tensors]
            specs = [call.output_specs[index] for call, index in parents]
            sub = _sub_model(op, node)
            if sub is not None:
                outputs = self.expand(sub, parents, path + (op.name,), order + (node_index,))
            else:
                call = FlatCall(op, path, order + (node_index,), parents, specs)
                call.output_specs = _output_specs(op, node, specs) if parents else node.outputs
                self.add(call)
                outputs = [(call, i) for i in range(len(node.outputs))]
            values.update({id(t): v for t, v in zip(node.outputs, outputs, strict=True)})
        return [values[id(t)] for t in model.outputs]


def flatten_calls(model, max_calls: int | None = None) -> tuple[list[FlatCall], list[Value]]:
    """Every layer call of `model` with sub-models opened up, parents first; and its outputs."""
    flattener = _Flattener(max_calls)
    outputs = flattener.expand(model, None, (), ())
    return flattener.calls, outputs


def call_numbers(flat: list[FlatCall], by_op: dict[int, list[FlatCall]]) -> dict[int, int]:
    """id(call) -> its 1-based number among its layer's calls."""
    position = {id(call): i for i, call in enumerate(flat)}
    number = {}
    for own in by_op.values():
        # Calls of a top-level layer in the order they were made (Keras' node order); a layer
        # inside sub-models in graph order, as node indices of different graphs do not compare.
        nested = any(call.path for call in own)
        ordered = sorted(own, key=lambda c: (position[id(c)],) if nested else c.order)
        number.update({id(call): i + 1 for i, call in enumerate(ordered)})
    return number


def qualified_names(calls: list[FlatCall]) -> dict[int, str]:
    """id(layer) -> a unique readable name: its shallowest place in the nesting, e.g. `enc/conv1`.

    A layer object used both directly and inside a sub-model is one layer with one name.
    """
    shallowest: dict[int, FlatCall] = {}
    for call in calls:
        best = shallowest.get(id(call.op))
        if best is None or len(call.path) < len(best.path):
            shallowest[id(call.op)] = call
    names, taken = {}, set()
    for key, call in shallowest.items():
        name = SEP.join((*call.path, call.op.name))
        candidate, n = name, 1
        while candidate in taken:  # only for models whose layer names are not unique
            n += 1
            candidate = f"{name} ({n})"
        taken.add(candidate)
        names[key] = candidate
    return names


def task_names_of(outputs: list[Value], call_id, names: dict[int, str]) -> list[str]:
    """One distinct task name per model output: its layer's name, made distinct only if needed.

    Two outputs of one layer (two calls of a tied layer, or two tensors of a multi-output
    layer such as a cross-stitch unit) are two tasks: `name#call` or `name[i]` tell them apart.
    """
    candidates = (
        lambda call, i: names[id(call.op)],
        lambda call, i: call_id(call),
        lambda call, i: f"{names[id(call.op)]}[{i}]",
        lambda call, i: f"{call_id(call)}[{i}]",
    )
    chosen = []
    for call, index in outputs:
        twins = [o for o in outputs if o[0].op is call.op]
        for candidate in candidates:  # the last one stays if none tells the twins apart
            if len({candidate(*twin) for twin in twins}) == len(twins):
                break
        chosen.append(candidate(call, index))
    for i, name in enumerate(chosen):  # the very same tensor returned twice
        if name in chosen[:i]:
            chosen[i] = f"{name} (output {i + 1})"
    return chosen
