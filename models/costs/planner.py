"""The records of a call plan and the `Planner` that makes them, one layer call at a time.

`models.costs.plan` walks each variant's architecture through a `Planner` in the order the
builders call their layers. Every call records what pricing needs (shapes, parameters, MACs)
and what the sharing analysis needs (which earlier outputs it reads, the Keras class of its
layer, its weight shapes), so neither has to build the model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

Shape = tuple[int, ...]  # one sample's shape: no batch axis

# The class of the Keras layer object each kind of call is made by, as the builders make it.
KERAS_CLASSES = {
    "input": "InputLayer",
    "conv": "Conv1D",
    "dense": "Dense",
    "flatten": "Flatten",
    "concat": "Concatenate",
    "cross_stitch": "CrossStitch",
    "gate": "ExpertGate",
}


class Tensor(NamedTuple):
    """One value the model computes: its per-sample shape and which call's output it is."""

    shape: Shape
    call: int  # the producing call's index in the plan
    index: int  # which of that call's outputs (a cross-stitch unit makes one per task)


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
    # (producing call's index in the plan, its output index), one per input, in input order.
    parents: tuple[tuple[int, int], ...] = ()
    weights: tuple[Shape, ...] = ()  # the layer object's weight shapes, in Keras' order

    @property
    def output_values(self) -> int:
        """Floats this call writes per sample (what the backward pass keeps)."""
        return sum(math.prod(shape) for shape in self.outputs)

    @property
    def keras_class(self) -> str:
        return KERAS_CLASSES[self.kind]

    @property
    def lane_mixer(self) -> bool:
        """Takes one tensor per task and returns one per task, mixing them (`CrossStitch`)."""
        return self.kind == "cross_stitch"

    @property
    def gates_experts(self) -> bool:
        """One task's gate over the shared experts (`ExpertGate`)."""
        return self.kind == "gate"


class Planner:
    """Records calls in the order the builders make them; each method returns the output."""

    def __init__(self) -> None:
        self.calls: list[Call] = []

    def _add(self, layer, kind, xs, outputs, weights, macs, task_shared) -> list[Tensor]:
        made = len(self.calls)
        self.calls.append(
            Call(
                layer=layer,
                kind=kind,
                inputs=tuple(x.shape for x in xs),
                outputs=tuple(outputs),
                params=sum(math.prod(shape) for shape in weights),
                macs=macs,
                task_shared=task_shared,
                parents=tuple((x.call, x.index) for x in xs),
                weights=tuple(weights),
            )
        )
        return [Tensor(shape, made, i) for i, shape in enumerate(outputs)]

    def input(self, name: str, shape: Shape) -> Tensor:
        return self._add(name, "input", (), (shape,), (), 0, False)[0]

    def conv(self, name: str, x: Tensor, filters: int, kernel: int, shared: bool) -> Tensor:
        steps, channels = x.shape
        out = (steps - kernel + 1, filters)  # 'valid' padding
        weights = ((kernel, channels, filters), (filters,))
        macs = out[0] * kernel * channels * filters
        return self._add(name, "conv", (x,), (out,), weights, macs, shared)[0]

    def dense(self, name: str, x: Tensor, units: int, shared: bool) -> Tensor:
        (n_in,) = x.shape
        weights = ((n_in, units), (units,))
        return self._add(name, "dense", (x,), ((units,),), weights, n_in * units, shared)[0]

    def flatten(self, name: str, x: Tensor) -> Tensor:
        return self._add(name, "flatten", (x,), ((math.prod(x.shape),),), (), 0, False)[0]

    def concat(self, name: str, xs: list[Tensor]) -> Tensor:
        out = (sum(x.shape[0] for x in xs),)
        return self._add(name, "concat", xs, (out,), (), 0, False)[0]

    def cross_stitch(self, name: str, xs: list[Tensor]) -> list[Tensor]:
        # tensordot(alpha (T, T), stacked (T, ...)): every output value sums T inputs.
        tasks = len(xs)
        macs = tasks * tasks * math.prod(xs[0].shape)
        shapes = [x.shape for x in xs]
        return self._add(name, "cross_stitch", xs, shapes, ((tasks, tasks),), macs, False)

    def gate(self, name: str, window: Tensor, experts: list[Tensor]) -> Tensor:
        # matmul(window, kernel (W, k)), then each expert's values weighed by its gate value.
        k, (width,), (units,) = len(experts), window.shape, experts[0].shape
        weights = ((width, k), (k,))
        macs = width * k + k * units
        xs = (window, *experts)
        return self._add(name, "gate", xs, (experts[0].shape,), weights, macs, False)[0]
