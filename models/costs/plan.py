"""A spec's call plan: every layer call `build_model(spec)` makes, worked out without Keras.

Each `Call` names the layer object it calls (as `models.architectures.builders` names them),
its kind, the per-sample shapes it reads and writes, the object's parameter count and the
multiply-accumulates (MACs) of that call for one sample. The cost estimate
(`models.costs.estimate`) sums these, so the Streamlit server can price a run before any
TensorFlow is loaded. `tests/test_cost_plan.py` checks every figure against the built model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from models.architectures.variants import validate
from models.spec import ModelSpec

Shape = tuple[int, ...]  # one sample's shape: no batch axis


@dataclass(frozen=True)
class Call:
    """One call of one layer object, per sample."""

    layer: str  # the layer object's name; a tied layer appears once per call
    kind: str  # input, conv, dense, flatten, concat, cross_stitch or gate
    inputs: tuple[Shape, ...]
    outputs: tuple[Shape, ...]  # a cross-stitch unit writes one tensor per task
    params: int  # the object's parameters (counted once however often it is called)
    macs: int  # multiply-accumulates of this call on one sample
    # Its weights serve more than one task, so the gradient-conflict probe differentiates them
    # (a task-mixing unit is not counted: each row of its matrix belongs to one task).
    task_shared: bool = False

    @property
    def output_values(self) -> int:
        """Floats this call writes per sample (what the backward pass keeps)."""
        return sum(math.prod(shape) for shape in self.outputs)


class _Planner:
    """Records calls in the order the builders make them; each method returns the output."""

    def __init__(self) -> None:
        self.calls: list[Call] = []

    def _add(self, layer, kind, inputs, outputs, params, macs, task_shared) -> None:
        self.calls.append(
            Call(layer, kind, tuple(inputs), tuple(outputs), params, macs, task_shared)
        )

    def input(self, name: str, shape: Shape) -> Shape:
        self._add(name, "input", (), (shape,), 0, 0, False)
        return shape

    def conv(self, name: str, x: Shape, filters: int, kernel: int, shared: bool) -> Shape:
        steps, channels = x
        out = (steps - kernel + 1, filters)  # 'valid' padding
        params = kernel * channels * filters + filters
        self._add(name, "conv", (x,), (out,), params, out[0] * kernel * channels * filters, shared)
        return out

    def dense(self, name: str, x: Shape, units: int, shared: bool) -> Shape:
        (n_in,) = x
        self._add(name, "dense", (x,), ((units,),), n_in * units + units, n_in * units, shared)
        return (units,)

    def flatten(self, name: str, x: Shape) -> Shape:
        out = (math.prod(x),)
        self._add(name, "flatten", (x,), (out,), 0, 0, False)
        return out

    def concat(self, name: str, xs: list[Shape]) -> Shape:
        out = (sum(x[0] for x in xs),)
        self._add(name, "concat", xs, (out,), 0, 0, False)
        return out

    def cross_stitch(self, name: str, xs: list[Shape]) -> list[Shape]:
        # tensordot(alpha (T, T), stacked (T, ...)): every output value sums T inputs.
        tasks = len(xs)
        macs = tasks * tasks * math.prod(xs[0])
        self._add(name, "cross_stitch", xs, xs, tasks * tasks, macs, False)
        return list(xs)

    def gate(self, name: str, window: Shape, experts: list[Shape]) -> Shape:
        # matmul(window, kernel (W, k)), then each expert's values weighed by its gate value.
        k, (width,), (units,) = len(experts), window, experts[0]
        macs = width * k + k * units
        self._add(name, "gate", (window, *experts), (experts[0],), k * (width + 1), macs, False)
        return experts[0]


def _body(spec: ModelSpec) -> list[tuple[str, str, int]]:
    """The hard variant's body in order, as `builders._body_factories`: (base, kind, index)."""
    body = [(f"conv{i + 1}", "conv", i) for i in range(spec.n_conv)]
    body.append(("flatten", "flatten", 0))
    return body + [(f"dense{i + 1}", "dense", i) for i in range(spec.n_dense)]


def _apply(plan: _Planner, spec: ModelSpec, kind, index, name, x, shared) -> Shape:
    if kind == "conv":
        return plan.conv(name, x, spec.conv_filters[index], spec.kernel_size, shared)
    if kind == "dense":
        return plan.dense(name, x, spec.dense_units[index], shared)
    return plan.flatten(name, x)


def _heads(plan: _Planner, spec: ModelSpec, xs: list[Shape]) -> None:
    for t, x in enumerate(xs):
        plan.dense(f"task{t + 1}_head", x, spec.horizon, False)


def _plan_hard(plan: _Planner, spec: ModelSpec) -> None:
    x = plan.input("series", (spec.timesteps, spec.n_features))
    body = _body(spec)
    k = spec.shared_layers
    trunk = k if k < spec.n_conv else k + 1  # Flatten joins the trunk with the last conv
    many = spec.n_tasks > 1
    for base, kind, index in body[:trunk]:
        x = _apply(plan, spec, kind, index, base, x, many)
    tails = []
    for t in range(spec.n_tasks):
        y = x
        for base, kind, index in body[trunk:]:
            y = _apply(plan, spec, kind, index, f"task{t + 1}_{base}", y, False)
        tails.append(y)
    _heads(plan, spec, tails)


def _plan_towers(plan: _Planner, spec: ModelSpec) -> None:
    xs = [plan.input(f"feature{f + 1}", (spec.timesteps, 1)) for f in range(spec.n_features)]
    k, many = spec.shared_layers, spec.n_tasks > 1  # every layer below the heads feeds all
    towers = []
    for f, x in enumerate(xs):
        for i in range(spec.n_conv):
            name = f"conv{i + 1}" if i < k else f"feature{f + 1}_conv{i + 1}"
            x = plan.conv(name, x, spec.conv_filters[i], spec.kernel_size, many)
        towers.append(plan.flatten("flatten" if k == spec.n_conv else f"feature{f + 1}_flatten", x))
    x = plan.concat("concat", towers) if len(towers) > 1 else towers[0]
    for i, units in enumerate(spec.dense_units):
        x = plan.dense(f"dense{i + 1}", x, units, many)
    _heads(plan, spec, [x] * spec.n_tasks)


def _plan_cross_stitch(plan: _Planner, spec: ModelSpec) -> None:
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
    _heads(plan, spec, xs)


def _plan_mmoe(plan: _Planner, spec: ModelSpec) -> None:
    series = plan.input("series", (spec.timesteps, spec.n_features))
    many, experts = spec.n_tasks > 1, []
    for e in range(spec.shared_layers):
        x = series
        for base, kind, index in _body(spec):
            x = _apply(plan, spec, kind, index, f"expert{e + 1}_{base}", x, many)
        experts.append(x)
    window = plan.flatten("window", series)
    mixed = [plan.gate(f"task{t + 1}_gate", window, experts) for t in range(spec.n_tasks)]
    _heads(plan, spec, mixed)


_PLANNERS = {
    "hard": _plan_hard,
    "towers": _plan_towers,
    "cross_stitch": _plan_cross_stitch,
    "mmoe": _plan_mmoe,
}


@lru_cache(maxsize=256)  # a page prices the same few specs on every rerun
def call_plan(spec: ModelSpec) -> tuple[Call, ...]:
    """Every layer call of `build_model(spec)`, in the order the builder makes them.

    Raises `SpecError` (as `build_model` would) if the spec cannot be built.
    """
    validate(spec)
    plan = _Planner()
    _PLANNERS[spec.variant](plan, spec)
    return tuple(plan.calls)


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
