"""Sharing analysis of any functional Keras model, as plain picklable data.

Keras' `summary()` and `plot_model` show one row per layer object and the shapes of its first
call only. Here every *call* is recorded, so a layer object used four times shows four calls,
each with its own shapes, and the tasks (model outputs) and inputs each call serves.
"""

from __future__ import annotations

from models.analysis.nested import (
    FlatCall,
    Value,
    call_numbers,
    flatten_calls,
    qualified_names,
    task_names_of,
)
from models.analysis.records import Analysis, CallInfo, LayerInfo, Totals


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


def _weights(op) -> list:
    """A layer's weights; none for a plain operation (`x + y` in a functional model becomes a
    keras.ops `Add` operation, which is no layer and has no weights or `built` flag)."""
    return list(getattr(op, "weights", None) or [])


def _params(op) -> int:
    return int(op.count_params()) if getattr(op, "built", False) and _weights(op) else 0


def _is_branch(op, infos: list[CallInfo], tasks, seen, all_inputs) -> bool:
    """Called once, reaching several tasks, yet reading only some of the model's inputs."""
    is_input = type(op).__name__ == "InputLayer"
    return not is_input and len(infos) == 1 and len(tasks) > 1 and seen < all_inputs


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
    all_inputs = frozenset().union(*(inputs_by_call[id(call)] for call in flat))
    layers = []
    for key, own in by_op.items():
        op, name = own[0].op, names[key]
        infos = infos_of[name]
        tasks = frozenset().union(*(c.tasks for c in infos))
        seen = frozenset().union(*(c.inputs for c in infos))
        layers.append(
            LayerInfo(
                name=name,
                type=type(op).__name__,
                params=_params(op),
                weight_shapes=tuple(str(tuple(w.shape)) for w in _weights(op)),
                calls=tuple(c.id for c in infos),
                tasks=tasks,
                inputs=seen,
                mixes_tasks=_mixes_lanes(op) and len(tasks) > 1,
                input_branch=_is_branch(op, infos, tasks, seen, all_inputs),
                gates_experts=bool(getattr(op, "gates_experts", False)),
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
