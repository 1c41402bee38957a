"""Sharing analysis of any functional Keras model, as plain picklable data.

Keras' `summary()` and `plot_model` show one row per layer object and the shapes of its first
call only. Here every *call* is recorded, so a layer object used four times shows four calls,
each with its own shapes, and the tasks (model outputs) and inputs each call serves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models.nested import (
    FlatCall,
    Value,
    call_numbers,
    flatten_calls,
    qualified_names,
    task_names_of,
)


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
    task_layers: tuple[str, ...] = ()  # the layer each task's output comes from

    @property
    def output_layers(self) -> frozenset[str]:
        """Layers that produce a model output (task names can differ: see `task_layers`)."""
        return frozenset(self.task_layers or self.tasks)

    def layer(self, name: str) -> LayerInfo:
        return next(layer for layer in self.layers if layer.name == name)

    def calls_of(self, name: str) -> list[CallInfo]:
        return [c for c in self.calls if c.layer == name]

    @property
    def n_layer_objects(self) -> int:
        """Layer objects, inputs left out."""
        return sum(not layer.is_input for layer in self.layers)

    @property
    def n_calls(self) -> int:
        """Calls of layer objects, inputs left out."""
        return sum(call.layer not in self.inputs for call in self.calls)


def _shape(tensor) -> str:
    return str(tuple(tensor.shape))


def _shapes(tensors) -> str:
    shapes = [_shape(t) for t in tensors]
    if len(shapes) > 1 and len(set(shapes)) == 1:
        return f"{len(shapes)} × {shapes[0]}"
    return ", ".join(shapes)


def _mixes_lanes(op) -> bool:
    """A layer that takes one tensor per lane (task) and returns one per lane, mixing them."""
    return bool(getattr(op, "lane_mixer", False))


def _task_parents(call: FlatCall, output_index: int) -> list[Value]:
    """The input values that one output of a call carries a task back to."""
    if _mixes_lanes(call.op) and len(call.parents) == len(call.output_specs):
        # Output i continues input i's lane: the mixer serves every task, while the layers
        # before it stay their own task's (they reach the others only through the mixer).
        return [call.parents[output_index]]
    return call.parents


def _tasks_by_call(flat: list[FlatCall], tasks: list[str], outputs: list[Value]) -> dict:
    """id(call) -> the tasks (model outputs) that depend on it."""
    found: dict[int, set[str]] = {id(call): set() for call in flat}
    for task, value in zip(tasks, outputs, strict=True):
        stack, seen = [value], set()
        while stack:
            call, index = stack.pop()
            if (id(call), index) in seen:
                continue
            seen.add((id(call), index))
            found[id(call)].add(task)
            stack += _task_parents(call, index)
    return found


def analyse(model, max_calls: int | None = None) -> Analysis:
    """Record every layer object and every call of it, with sub-models opened up.

    `max_calls` bounds the opened-up graph (nested shared sub-models multiply calls):
    `models.nested.GraphTooLarge` past it.
    """
    flat, outputs = flatten_calls(model, max_calls)
    names = qualified_names(flat)
    by_op: dict[int, list[FlatCall]] = {}
    for call in flat:
        by_op.setdefault(id(call.op), []).append(call)
    number = call_numbers(flat, by_op)

    def call_id(call: FlatCall) -> str:
        return f"{names[id(call.op)]}#{number[id(call)]}"

    task_names = task_names_of(outputs, call_id, names)
    tasks_by_call = _tasks_by_call(flat, task_names, outputs)

    calls: list[CallInfo] = []
    inputs_by_call: dict[int, frozenset[str]] = {}
    for call in flat:
        parents = [parent for parent, _ in call.parents]
        if parents:
            inputs = frozenset().union(*(inputs_by_call[id(p)] for p in parents))
        else:
            inputs = frozenset({names[id(call.op)]})
        inputs_by_call[id(call)] = inputs
        calls.append(
            CallInfo(
                id=call_id(call),
                layer=names[id(call.op)],
                call=number[id(call)],
                input_shapes=tuple(_shape(t) for t in call.input_specs),
                output_shape=_shapes(call.output_specs),
                parents=tuple(call_id(p) for p in parents),
                tasks=frozenset(tasks_by_call[id(call)]),
                inputs=inputs,
            )
        )

    infos_of: dict[str, list[CallInfo]] = {}
    for info in calls:
        infos_of.setdefault(info.layer, []).append(info)
    layers = []
    for key, own in by_op.items():
        op, name = own[0].op, names[key]
        infos = infos_of[name]
        tasks = frozenset().union(*(c.tasks for c in infos))
        layers.append(
            LayerInfo(
                name=name,
                type=type(op).__name__,
                params=int(op.count_params()) if op.built and op.weights else 0,
                weight_shapes=tuple(str(tuple(w.shape)) for w in op.weights),
                calls=tuple(c.id for c in infos),
                tasks=tasks,
                inputs=frozenset().union(*(c.inputs for c in infos)),
                mixes_tasks=_mixes_lanes(op) and len(tasks) > 1,
            )
        )
    input_ops = (t._keras_history[0] for t in model.inputs)
    input_names = tuple(names.get(id(op), op.name) for op in input_ops)
    return Analysis(
        name=model.name,
        inputs=input_names,
        tasks=tuple(task_names),
        layers=tuple(layers),
        calls=tuple(calls),
        totals=_totals(model, layers, calls),
        task_layers=tuple(names[id(call.op)] for call, _ in outputs),
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
