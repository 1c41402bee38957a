"""The plain, picklable records of a sharing analysis: calls, layer objects, totals.

Free of Keras: the page, the tables and the graph read these without loading TensorFlow.
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
    # Reads only some of the model's inputs, yet its output reaches several tasks: one input's
    # branch (model 2's per-feature tower layers), not a trunk that every task calls.
    input_branch: bool = False
    gates_experts: bool = False  # a task's gate: weighs shared experts for that task (MMoE)
    frozen: bool = False  # `trainable = False`: its weights keep their values in every call
    # Called once and read by several tasks, but not all: the branch of a group of tasks.
    group_branch: bool = False

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
        return f"{self._kind}, frozen" if self.frozen else self._kind

    @property
    def _kind(self) -> str:
        if self.is_input:
            return "input"
        if self.tied:
            return f"tied ×{self.n_calls} calls"
        if self.mixes_tasks:
            return "mixes tasks (soft sharing)"
        if self.gates_experts:
            return "gate: weighs the experts for its task"
        if self.input_branch:
            return f"branch of {', '.join(sorted(self.inputs))} (reaches {len(self.tasks)} tasks)"
        if self.group_branch:
            names = ", ".join(sorted(t.removesuffix("_head") for t in self.tasks))
            return f"shared by {len(self.tasks)} tasks ({names})"
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
    def saved_share(self) -> float:
        """What sharing saves as a share of one network per task: comparable across variants
        (model 1 saves 73 % of its 195,928; model 2 74 % of its 526,840)."""
        return self.saved / self.independent if self.independent else 0.0

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
