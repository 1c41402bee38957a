"""A model's graph as a flat list of layer calls, with nested and shared sub-models opened up.

In Keras' own graph a functional or Sequential model called inside another model is one node.
Here its layers' calls appear instead, once per call of the sub-model (a sub-model called on
two inputs calls each of its layers twice: the same variables, so they are tied), under a
qualified name such as `encoder/conv1`. "/" is the one character Keras forbids in a layer name,
so a qualified name never clashes with a real one. The result is a `CallGraph`
(`call_graph.py`): plain data, no Keras object left in it.
"""

from __future__ import annotations

from models.analysis.call_graph import CallGraph, LayerCall, LayerFacts, Value, depth_first

SEP = "/"


class GraphTooLarge(ValueError):
    """Opening up the sub-models would give more calls than the caller allows."""


def _node_of(tensor):
    op, node_index, _ = tensor._keras_history
    return op, node_index


def _visit_order(model) -> list[tuple[object, int]]:
    """(operation, node_index) for every node reachable from the outputs, parents first."""

    def parents_of(node):
        op, node_index = node
        return [_node_of(t) for t in op._inbound_nodes[node_index].input_tensors]

    roots = [_node_of(tensor) for tensor in model.outputs]
    return depth_first(roots, parents_of, key=lambda node: (id(node[0]), node[1]))


def _shape(tensor) -> str:
    return str(tuple(tensor.shape))


def _weights(op) -> list:
    """A layer's weights; none for a plain operation (`x + y` in a functional model becomes a
    keras.ops `Add` operation, which is no layer and has no weights or `built` flag)."""
    return list(getattr(op, "weights", None) or [])


def _layer_facts(op) -> LayerFacts:
    """What the analysis reads of a Keras layer (or operation)."""
    weights = _weights(op)
    return LayerFacts(
        name=op.name,
        type=type(op).__name__,
        params=int(op.count_params()) if getattr(op, "built", False) and weights else 0,
        weight_shapes=tuple(str(tuple(w.shape)) for w in weights),
        lane_mixer=bool(getattr(op, "lane_mixer", False)),
        gates_experts=bool(getattr(op, "gates_experts", False)),
        frozen=bool(weights) and not op.trainable,
    )


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
        self.calls: list[LayerCall] = []
        self.max_calls = max_calls
        self.specs: dict[int, list] = {}  # id(call) -> its output KerasTensors
        self.facts: dict[int, LayerFacts] = {}  # id(op) -> one LayerFacts per layer object

    def facts_of(self, op) -> LayerFacts:
        if id(op) not in self.facts:
            self.facts[id(op)] = _layer_facts(op)
        return self.facts[id(op)]

    def add(self, call: LayerCall) -> None:
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
            specs = [self.specs[id(call)][index] for call, index in parents]
            sub = _sub_model(op, node)
            if sub is not None:
                outputs = self.expand(sub, parents, path + (op.name,), order + (node_index,))
            else:
                made = _output_specs(op, node, specs) if parents else node.outputs
                call = LayerCall(
                    layer=self.facts_of(op),
                    path=path,
                    order=order + (node_index,),
                    parents=parents,
                    input_shapes=tuple(_shape(t) for t in specs),
                    output_shapes=tuple(_shape(t) for t in made),
                )
                self.specs[id(call)] = made
                self.add(call)
                outputs = [(call, i) for i in range(len(node.outputs))]
            values.update({id(t): v for t, v in zip(node.outputs, outputs, strict=True)})
        return [values[id(t)] for t in model.outputs]


def flatten_calls(model, max_calls: int | None = None) -> CallGraph:
    """Every layer call of `model` with sub-models opened up, parents first, and its outputs."""
    flattener = _Flattener(max_calls)
    outputs = flattener.expand(model, None, (), ())
    return CallGraph(
        name=model.name,
        calls=flattener.calls,
        outputs=outputs,
        inputs=[flattener.facts_of(t._keras_history[0]) for t in model.inputs],
        total_params=int(model.count_params()),
    )


def call_numbers(calls: list[LayerCall], by_layer: dict[int, list[LayerCall]]) -> dict[int, int]:
    """id(call) -> its 1-based number among its layer's calls."""
    position = {id(call): i for i, call in enumerate(calls)}
    number = {}
    for own in by_layer.values():
        # Calls of a top-level layer in the order they were made (Keras' node order); a layer
        # inside sub-models in graph order, as node indices of different graphs do not compare.
        nested = any(call.path for call in own)
        ordered = sorted(own, key=lambda c: (position[id(c)],) if nested else c.order)
        number.update({id(call): i + 1 for i, call in enumerate(ordered)})
    return number


def qualified_names(calls: list[LayerCall]) -> dict[int, str]:
    """id(layer) -> a unique readable name: its shallowest place in the nesting, e.g. `enc/conv1`.

    A layer object used both directly and inside a sub-model is one layer with one name.
    """
    shallowest: dict[int, LayerCall] = {}
    for call in calls:
        best = shallowest.get(id(call.layer))
        if best is None or len(call.path) < len(best.path):
            shallowest[id(call.layer)] = call
    names, taken = {}, set()
    for key, call in shallowest.items():
        name = SEP.join((*call.path, call.layer.name))
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
        lambda call, i: names[id(call.layer)],
        lambda call, i: call_id(call),
        lambda call, i: f"{names[id(call.layer)]}[{i}]",
        lambda call, i: f"{call_id(call)}[{i}]",
    )
    chosen = []
    for call, index in outputs:
        twins = [o for o in outputs if o[0].layer is call.layer]
        for candidate in candidates:  # the last one stays if none tells the twins apart
            if len({candidate(*twin) for twin in twins}) == len(twins):
                break
        chosen.append(candidate(call, index))
    for i, name in enumerate(chosen):  # the very same tensor returned twice
        if name in chosen[:i]:
            chosen[i] = f"{name} (output {i + 1})"
    return chosen
