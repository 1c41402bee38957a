"""Sharing analysis of any functional Keras model, as plain picklable data.

Keras' `summary()` and `plot_model` show one row per layer object and the shapes of its first
call only. Here every *call* is recorded, so a layer object used four times shows four calls,
each with its own shapes, and the tasks (model outputs) and inputs each call serves.
"""

from __future__ import annotations

from models.analysis.call_graph import CallGraph, LayerCall, LayerFacts, Value
from models.analysis.nested import call_numbers, flatten_calls, qualified_names, task_names_of
from models.analysis.records import Analysis, CallInfo, LayerInfo, Totals


def _shapes(shapes: tuple[str, ...]) -> str:
    """A call's output shapes; a cross-stitch unit's one per task as "4 × (None, 58, 32)"."""
    if len(shapes) > 1 and len(set(shapes)) == 1:
        return f"{len(shapes)} × {shapes[0]}"
    return ", ".join(shapes)


def _is_branch(layer: LayerFacts, infos: list[CallInfo], tasks, seen, all_inputs) -> bool:
    """Called once, reaching several tasks, yet reading only some of the model's inputs."""
    is_input = layer.type == "InputLayer"
    return not is_input and len(infos) == 1 and len(tasks) > 1 and seen < all_inputs


def _is_group_branch(layer: LayerFacts, infos: list[CallInfo], tasks, n_tasks: int) -> bool:
    """Called once and read by more than one task but not every one (a sharing tree's branch)."""
    return not layer.lane_mixer and len(infos) == 1 and 1 < len(tasks) < n_tasks


def _task_parents(call: LayerCall, output_index: int) -> list[Value]:
    """The input values that one output of a call carries a task back to."""
    if call.layer.lane_mixer and len(call.parents) == len(call.output_shapes):
        # Output i continues input i's lane: the mixer serves every task, while the layers
        # before it stay their own task's (they reach the others only through the mixer).
        return [call.parents[output_index]]
    return call.parents


def _tasks_by_call(flat: list[LayerCall], tasks: list[str], outputs: list[Value]) -> dict:
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
    return analyse_graph(flatten_calls(model, max_calls))


def analyse_graph(graph: CallGraph) -> Analysis:
    """The analysis of a model's calls, however they were found (a built model or a plan)."""
    flat, outputs = graph.calls, graph.outputs
    names = qualified_names(flat)
    by_layer: dict[int, list[LayerCall]] = {}
    for call in flat:
        by_layer.setdefault(id(call.layer), []).append(call)
    number = call_numbers(flat, by_layer)

    def call_id(call: LayerCall) -> str:
        return f"{names[id(call.layer)]}#{number[id(call)]}"

    task_names = task_names_of(outputs, call_id, names)
    tasks_by_call = _tasks_by_call(flat, task_names, outputs)

    calls: list[CallInfo] = []
    inputs_by_call: dict[int, frozenset[str]] = {}
    for call in flat:
        parents = [parent for parent, _ in call.parents]
        if parents:
            inputs = frozenset().union(*(inputs_by_call[id(p)] for p in parents))
        else:
            inputs = frozenset({names[id(call.layer)]})
        inputs_by_call[id(call)] = inputs
        calls.append(
            CallInfo(
                id=call_id(call),
                layer=names[id(call.layer)],
                call=number[id(call)],
                input_shapes=call.input_shapes,
                output_shape=_shapes(call.output_shapes),
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
    for key, own in by_layer.items():
        layer, name = own[0].layer, names[key]
        infos = infos_of[name]
        tasks = frozenset().union(*(c.tasks for c in infos))
        seen = frozenset().union(*(c.inputs for c in infos))
        layers.append(
            LayerInfo(
                name=name,
                type=layer.type,
                params=layer.params,
                weight_shapes=layer.weight_shapes,
                calls=tuple(c.id for c in infos),
                tasks=tasks,
                inputs=seen,
                mixes_tasks=layer.lane_mixer and len(tasks) > 1,
                input_branch=_is_branch(layer, infos, tasks, seen, all_inputs),
                gates_experts=layer.gates_experts,
                frozen=layer.frozen,
                group_branch=_is_group_branch(layer, infos, tasks, len(task_names)),
            )
        )
    return Analysis(
        name=graph.name,
        inputs=tuple(names.get(id(layer), layer.name) for layer in graph.inputs),
        tasks=tuple(task_names),
        layers=tuple(layers),
        calls=tuple(calls),
        totals=_totals(graph.total_params, layers, calls),
        task_layers=tuple(names[id(call.layer)] for call, _ in outputs),
    )


def _totals(total: int, layers: list[LayerInfo], calls: list[CallInfo]) -> Totals:
    params = {layer.name: layer.params for layer in layers}
    by_name = {layer.name: layer for layer in layers}
    return Totals(
        total=total,
        unrolled=sum(params[c.layer] for c in calls),
        # A unit that mixes the tasks has no per-task copy to make: it counts once.
        independent=sum(
            params[c.layer] * (1 if by_name[c.layer].mixes_tasks else len(c.tasks)) for c in calls
        ),
        shared=sum(p for name, p in params.items() if by_name[name].shared),
        tied=sum(p for name, p in params.items() if by_name[name].tied),
        task_specific=sum(p for name, p in params.items() if not by_name[name].shared),
    )
