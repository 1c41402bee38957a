"""Sharing analysis of any functional Keras model, as plain picklable data.

Keras' `summary()` and `plot_model` show one row per layer object and the shapes of its first
call only. Here every *call* is recorded, so a layer object used four times shows four calls,
each with its own shapes, and the tasks (model outputs) and inputs each call serves.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CallInfo:
    """One call of one layer object inside the model's graph."""

    id: str
    layer: str
    call: int  # 1-based, in this model's graph
    input_shapes: tuple[str, ...]
    output_shape: str
    parents: tuple[str, ...]
    tasks: frozenset[str]
    inputs: frozenset[str]


@dataclass(frozen=True)
class LayerInfo:
    """One layer object: its weights are shared by all of its calls."""

    name: str
    type: str
    params: int
    weight_shapes: tuple[str, ...]
    calls: tuple[str, ...]  # CallInfo ids, in call order
    tasks: frozenset[str]
    inputs: frozenset[str]
    mixes_tasks: bool = False  # takes one tensor per task and mixes them (a cross-stitch unit)

    @property
    def n_calls(self) -> int:
        return len(self.calls)

    @property
    def is_input(self) -> bool:
        return self.type == "InputLayer"

    @property
    def tied(self) -> bool:
        """Called more than once: every call uses the same variables (weight tying)."""
        return self.n_calls > 1

    @property
    def shared(self) -> bool:
        """Shared in either sense: tied across calls, or serving more than one task."""
        return not self.is_input and (self.tied or len(self.tasks) > 1)

    @property
    def role(self) -> str:
        if self.is_input:
            return "input"
        if self.tied:
            return f"tied ×{self.n_calls} calls"
        if self.mixes_tasks:
            return "mixes tasks (soft sharing)"
        if len(self.tasks) > 1:
            return "shared across tasks"
        return "task-specific"


@dataclass(frozen=True)
class Totals:
    """Parameter totals; `independent - total` is what sharing saves."""

    total: int  # unique parameters, as Keras counts them
    unrolled: int  # if every call had its own copy of its layer's weights
    independent: int  # if every task had its own copy of everything it depends on
    shared: int  # in layers that are tied or serve several tasks
    tied: int  # in layers called more than once
    task_specific: int

    @property
    def saved(self) -> int:
        return self.independent - self.total

    @property
    def saved_by_tying(self) -> int:
        return self.unrolled - self.total

    @property
    def saved_by_task_sharing(self) -> int:
        return self.independent - self.unrolled


@dataclass(frozen=True)
class Analysis:
    """Everything the page shows about one model, free of Keras objects."""

    name: str
    inputs: tuple[str, ...]
    tasks: tuple[str, ...]
    layers: tuple[LayerInfo, ...]
    calls: tuple[CallInfo, ...]  # topological order
    totals: Totals
    extra: dict = field(default_factory=dict)

    def layer(self, name: str) -> LayerInfo:
        return next(layer for layer in self.layers if layer.name == name)

    def calls_of(self, name: str) -> list[CallInfo]:
        return [c for c in self.calls if c.layer == name]


def _shape(tensor) -> str:
    return str(tuple(tensor.shape))


def _shapes(tensors) -> str:
    shapes = [_shape(t) for t in tensors]
    if len(shapes) > 1 and len(set(shapes)) == 1:
        return f"{len(shapes)} × {shapes[0]}"
    return ", ".join(shapes)


def _node_of(tensor):
    op, node_index, _ = tensor._keras_history
    return op, node_index


def _mixes_lanes(op) -> bool:
    """A layer that takes one tensor per lane (task) and returns one per lane, mixing them."""
    return bool(getattr(op, "lane_mixer", False))


def _task_parents(op, node_index: int, tensor_index: int) -> list:
    """The input tensors that one output tensor of a call carries a task back to."""
    node = op._inbound_nodes[node_index]
    if _mixes_lanes(op) and len(node.input_tensors) == len(node.outputs):
        # Output i continues input i's lane: the mixer serves every task, while the layers
        # before it stay their own task's (they reach the others only through the mixer).
        return [node.input_tensors[tensor_index]]
    return node.input_tensors


def _collect_nodes(model) -> list[tuple[object, int]]:
    """(operation, node_index) for every call reachable from the outputs, inputs first."""
    order, seen = [], set()

    def visit(op, node_index):
        key = (id(op), node_index)
        if key in seen:
            return
        seen.add(key)
        for parent in op._inbound_nodes[node_index].input_tensors:
            visit(*_node_of(parent))
        order.append((op, node_index))

    for tensor in model.outputs:
        visit(*_node_of(tensor))
    return order


def analyse(model) -> Analysis:
    """Record every layer object and every call of it in a functional model."""
    nodes = _collect_nodes(model)
    node_indices: dict[int, list[int]] = {}
    for op, node_index in nodes:
        node_indices.setdefault(id(op), []).append(node_index)
    for indices in node_indices.values():
        indices.sort()

    def call_id(op, node_index):
        return f"{op.name}#{node_indices[id(op)].index(node_index) + 1}"

    task_of_output = [_node_of(t)[0].name for t in model.outputs]
    tasks_by_call: dict[str, set[str]] = {}
    for task, tensor in zip(task_of_output, model.outputs, strict=True):
        stack, seen = [tensor._keras_history], set()
        while stack:
            op, node_index, tensor_index = stack.pop()
            if (id(op), node_index, tensor_index) in seen:
                continue
            seen.add((id(op), node_index, tensor_index))
            tasks_by_call.setdefault(call_id(op, node_index), set()).add(task)
            stack += [p._keras_history for p in _task_parents(op, node_index, tensor_index)]

    calls: list[CallInfo] = []
    inputs_by_call: dict[str, frozenset[str]] = {}
    for op, node_index in nodes:
        node = op._inbound_nodes[node_index]
        parents = tuple(call_id(*_node_of(p)) for p in node.input_tensors)
        cid = call_id(op, node_index)
        if parents:
            inputs = frozenset().union(*(inputs_by_call[p] for p in parents))
        else:
            inputs = frozenset({op.name})
        inputs_by_call[cid] = inputs
        calls.append(
            CallInfo(
                id=cid,
                layer=op.name,
                call=int(cid.rsplit("#", 1)[1]),
                input_shapes=tuple(_shape(t) for t in node.input_tensors),
                output_shape=_shapes(node.outputs),
                parents=parents,
                tasks=frozenset(tasks_by_call[cid]),
                inputs=inputs,
            )
        )

    layers, seen_ops = [], set()
    for op, _ in nodes:
        if id(op) in seen_ops:
            continue
        seen_ops.add(id(op))
        own = [c for c in calls if c.layer == op.name]
        tasks = frozenset().union(*(c.tasks for c in own))
        layers.append(
            LayerInfo(
                name=op.name,
                type=type(op).__name__,
                params=int(op.count_params()) if op.built and op.weights else 0,
                weight_shapes=tuple(str(tuple(w.shape)) for w in op.weights),
                calls=tuple(c.id for c in own),
                tasks=tasks,
                inputs=frozenset().union(*(c.inputs for c in own)),
                mixes_tasks=_mixes_lanes(op) and len(tasks) > 1,
            )
        )
    input_names = tuple(t._keras_history[0].name for t in model.inputs)
    return Analysis(
        name=model.name,
        inputs=input_names,
        tasks=tuple(task_of_output),
        layers=tuple(layers),
        calls=tuple(calls),
        totals=_totals(model, layers, calls),
    )


def _totals(model, layers: list[LayerInfo], calls: list[CallInfo]) -> Totals:
    params = {layer.name: layer.params for layer in layers}
    by_name = {layer.name: layer for layer in layers}
    return Totals(
        total=int(model.count_params()),
        unrolled=sum(params[c.layer] for c in calls),
        # A unit that mixes the tasks has no per-task copy to make: it counts once.
        independent=sum(
            params[c.layer] * (1 if by_name[c.layer].mixes_tasks else len(c.tasks)) for c in calls
        ),
        shared=sum(p for name, p in params.items() if by_name[name].shared),
        tied=sum(p for name, p in params.items() if by_name[name].tied),
        task_specific=sum(p for name, p in params.items() if not by_name[name].shared),
    )
