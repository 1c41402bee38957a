"""A spec's call plan: every layer call `build_model(spec)` makes, worked out without Keras.

Each `Call` names the layer object it calls (as `models.architectures.builders` names them),
its kind, the per-sample shapes it reads and writes, the object's parameter count and the
multiply-accumulates (MACs) of that call for one sample. The cost estimate
(`models.costs.estimate`) sums these, so the Streamlit server can price a run before any
TensorFlow is loaded. Each call also names the earlier outputs it reads, its layer's Keras class
and weight shapes: with the model's name, inputs and outputs (`model_plan`) that is the graph
`models.inspect.planned_analysis` analyses, again without Keras. `tests/unit/test_cost_plan.py` and
`tests/unit/test_planned_analysis.py` check every figure against the built model.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from models.architectures.groups import Groups, branch_name, groups_of, singletons
from models.architectures.variants import validate
from models.costs.planner import Call, Planner, Tensor
from models.spec import ModelSpec


@dataclass(frozen=True)
class ModelPlan:
    """The whole model as its builder makes it: every call, and what the model declares."""

    name: str  # the Keras model's name
    calls: tuple[Call, ...]
    inputs: tuple[int, ...]  # the input calls' indices, in the model's input order
    outputs: tuple[tuple[int, int], ...]  # (call index, output index) per task, in output order


Ends = tuple[list[Tensor], list[Tensor]]  # a variant planner's model inputs and outputs


def _body(spec: ModelSpec) -> list[tuple[str, str, int]]:
    """The hard variant's body in order, as `builders._body_factories`: (base, kind, index)."""
    body = [(f"conv{i + 1}", "conv", i) for i in range(spec.n_conv)]
    body.append(("flatten", "flatten", 0))
    return body + [(f"dense{i + 1}", "dense", i) for i in range(spec.n_dense)]


def _apply(plan: Planner, spec: ModelSpec, kind, index, name, x, shared) -> Tensor:
    if kind == "conv":
        return plan.conv(name, x, spec.conv_filters[index], spec.kernel_size, shared)
    if kind == "dense":
        return plan.dense(name, x, spec.dense_units[index], shared)
    return plan.flatten(name, x)


def _heads(plan: Planner, spec: ModelSpec, xs: list[Tensor]) -> list[Tensor]:
    return [plan.dense(f"task{t + 1}_head", x, spec.horizon, False) for t, x in enumerate(xs)]


def _plan_tree(plan: Planner, spec: ModelSpec, groups: Groups) -> Ends:
    x = series = plan.input("series", (spec.timesteps, spec.n_features))
    body = _body(spec)
    k = spec.shared_layers
    trunk = k if k < spec.n_conv else k + 1  # Flatten joins the trunk with the last conv
    many = spec.n_tasks > 1
    for base, kind, index in body[:trunk]:
        x = _apply(plan, spec, kind, index, base, x, many)
    tails = [x] * spec.n_tasks
    for group in groups:
        y = x
        for base, kind, index in body[trunk:]:
            name = f"{branch_name(group)}_{base}"
            y = _apply(plan, spec, kind, index, name, y, len(group) > 1)
        for task in group:
            tails[task] = y
    return [series], _heads(plan, spec, tails)


def _plan_hard(plan: Planner, spec: ModelSpec) -> Ends:
    return _plan_tree(plan, spec, singletons(spec.n_tasks))


def _plan_branched(plan: Planner, spec: ModelSpec) -> Ends:
    return _plan_tree(plan, spec, groups_of(spec.task_groups, spec.n_tasks))


def _plan_towers(plan: Planner, spec: ModelSpec) -> Ends:
    inputs = [plan.input(f"feature{f + 1}", (spec.timesteps, 1)) for f in range(spec.n_features)]
    k, many = spec.shared_layers, spec.n_tasks > 1  # every layer below the heads feeds all
    towers = []
    for f, x in enumerate(inputs):
        for i in range(spec.n_conv):
            name = f"conv{i + 1}" if i < k else f"feature{f + 1}_conv{i + 1}"
            x = plan.conv(name, x, spec.conv_filters[i], spec.kernel_size, many)
        towers.append(plan.flatten("flatten" if k == spec.n_conv else f"feature{f + 1}_flatten", x))
    x = plan.concat("concat", towers) if len(towers) > 1 else towers[0]
    for i, units in enumerate(spec.dense_units):
        x = plan.dense(f"dense{i + 1}", x, units, many)
    return inputs, _heads(plan, spec, [x] * spec.n_tasks)


def _plan_cross_stitch(plan: Planner, spec: ModelSpec) -> Ends:
    series = plan.input("series", (spec.timesteps, spec.n_features))
    weighted = [base for base, kind, _ in _body(spec) if kind != "flatten"]
    mixed_after = weighted[: spec.shared_layers]
    xs = [series] * spec.n_tasks
    for base, kind, index in _body(spec):
        xs = [
            _apply(plan, spec, kind, index, f"task{t + 1}_{base}", x, False)
            for t, x in enumerate(xs)
        ]
        if base in mixed_after:
            xs = plan.cross_stitch(f"cross_stitch{mixed_after.index(base) + 1}", xs)
    return [series], _heads(plan, spec, xs)


def _plan_mmoe(plan: Planner, spec: ModelSpec) -> Ends:
    series = plan.input("series", (spec.timesteps, spec.n_features))
    many, experts = spec.n_tasks > 1, []
    for e in range(spec.shared_layers):
        x = series
        for base, kind, index in _body(spec):
            x = _apply(plan, spec, kind, index, f"expert{e + 1}_{base}", x, many)
        experts.append(x)
    window = plan.flatten("window", series)
    mixed = [plan.gate(f"task{t + 1}_gate", window, experts) for t in range(spec.n_tasks)]
    return [series], _heads(plan, spec, mixed)


_PLANNERS = {
    "hard": _plan_hard,
    "branched": _plan_branched,
    "towers": _plan_towers,
    "cross_stitch": _plan_cross_stitch,
    "mmoe": _plan_mmoe,
}


@lru_cache(maxsize=256)  # a page prices and draws the same few specs on every rerun
def model_plan(spec: ModelSpec) -> ModelPlan:
    """`build_model(spec)` without Keras: every layer call in the order the builder makes
    them, the model's name, inputs and outputs.

    Raises `SpecError` (as `build_model` would) if the spec cannot be built.
    """
    validate(spec)
    plan = Planner()
    inputs, outputs = _PLANNERS[spec.variant](plan, spec)
    return ModelPlan(
        name=f"{spec.variant}_k{spec.shared_layers}",  # as every builder names its model
        calls=tuple(plan.calls),
        inputs=tuple(x.call for x in inputs),
        outputs=tuple((y.call, y.index) for y in outputs),
    )


def call_plan(spec: ModelSpec) -> tuple[Call, ...]:
    """Every layer call of `build_model(spec)`, in the order the builder makes them.

    Raises `SpecError` (as `build_model` would) if the spec cannot be built.
    """
    return model_plan(spec).calls


def layer_params(plan: tuple[Call, ...]) -> dict[str, int]:
    """Layer object name -> its parameter count (a tied layer counted once)."""
    return {call.layer: call.params for call in plan}


def total_params(plan: tuple[Call, ...]) -> int:
    """The model's unique weights, as `model.count_params()` counts them."""
    return sum(layer_params(plan).values())


def task_shared_params(plan: tuple[Call, ...]) -> int:
    """Weights that the gradient-conflict probe differentiates once per task."""
    return sum({c.layer: c.params for c in plan if c.task_shared}.values())


VARIABLES = {"conv": 2, "dense": 2, "gate": 2, "cross_stitch": 1}  # kernel and bias; alpha


def task_shared_variables(plan: tuple[Call, ...]) -> int:
    """Variables of the task-shared layers: the probe's graph has ops per variable and task."""
    return sum({c.layer: VARIABLES.get(c.kind, 0) for c in plan if c.task_shared}.values())


def forward_macs(plan: tuple[Call, ...]) -> int:
    """Multiply-accumulates of one forward pass on one sample."""
    return sum(call.macs for call in plan)


def activation_values(plan: tuple[Call, ...]) -> int:
    """Floats one forward pass writes per sample, the input included."""
    return sum(call.output_values for call in plan)
