"""What sharing saves beyond parameters, per layer object and per model: arithmetic per window,
activation memory kept for training, and the optimizer's state.

Sharing a layer saves its weights (and Adam's two slots per weight), not its arithmetic: a
layer object called four times computes four times and keeps four outputs for the backward
pass. Sharing a trunk across tasks does save arithmetic: the trunk runs once for every task.
So each figure is set beside what one network per task would cost (`independent`, as
`models.analysis.records.Totals` counts parameters): tying saves parameters only; a trunk
that several tasks share saves parameters, arithmetic and activations alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.analysis.records import Analysis
from models.costs.plan import Call
from models.costs.terms import BACKWARD_PASSES, FLOAT_BYTES, kept_by_call

ADAM_SLOTS = 2  # Adam keeps a first and a second moment per weight


@dataclass(frozen=True)
class LayerCost:
    """One layer object, all its calls together, for one window."""

    layer: str
    calls: int
    params: int
    forward_flops: int  # 2 per multiply-accumulate, every call
    kept_values: int  # floats its calls keep for the backward pass

    @property
    def backward_flops(self) -> int:
        """Gradients for the inputs and for the weights: about twice the forward."""
        return BACKWARD_PASSES * self.forward_flops

    def activation_bytes(self, batch_size: int) -> int:
        return self.kept_values * batch_size * FLOAT_BYTES

    @property
    def optimizer_bytes(self) -> int:
        return ADAM_SLOTS * self.params * FLOAT_BYTES


@dataclass(frozen=True)
class ModelCost:
    """Every layer object's cost, and what one network per task would cost instead."""

    layers: tuple[LayerCost, ...]
    independent_forward_flops: int
    independent_kept_values: int

    @property
    def forward_flops(self) -> int:
        return sum(layer.forward_flops for layer in self.layers)

    @property
    def kept_values(self) -> int:
        return sum(layer.kept_values for layer in self.layers)

    def activation_bytes(self, batch_size: int) -> int:
        return self.kept_values * batch_size * FLOAT_BYTES

    @property
    def optimizer_bytes(self) -> int:
        return sum(layer.optimizer_bytes for layer in self.layers)

    @property
    def flops_saved_share(self) -> float:
        """Forward (and so backward) arithmetic saved against one network per task."""
        independent = self.independent_forward_flops
        return 1 - self.forward_flops / independent if independent else 0.0

    @property
    def activations_saved_share(self) -> float:
        independent = self.independent_kept_values
        return 1 - self.kept_values / independent if independent else 0.0


def model_cost(plan: tuple[Call, ...], analysis: Analysis) -> ModelCost:
    """The costs of the model whose calls are `plan` and whose analysis is `analysis` (the same
    spec's: each layer's calls in the same order)."""
    tasks_of = {info.id: len(info.tasks) for info in analysis.calls}
    mixes = {layer.name for layer in analysis.layers if layer.mixes_tasks}
    made: dict[str, int] = {}
    per_layer: dict[str, list[Call]] = {}
    independent_flops = independent_kept = 0
    for call in plan:
        if call.kind == "input":  # the window itself: the same for any model of these sizes
            continue
        made[call.layer] = made.get(call.layer, 0) + 1
        per_layer.setdefault(call.layer, []).append(call)
        # A unit that mixes the tasks has no per-task copy: it counts once (as its weights do).
        copies = 1 if call.layer in mixes else max(1, tasks_of[f"{call.layer}#{made[call.layer]}"])
        independent_flops += copies * 2 * call.macs
        independent_kept += copies * kept_by_call(call)
    layers = tuple(
        LayerCost(
            layer=name,
            calls=len(calls),
            params=calls[0].params,
            forward_flops=sum(2 * call.macs for call in calls),
            kept_values=sum(kept_by_call(call) for call in calls),
        )
        for name, calls in per_layer.items()
    )
    return ModelCost(layers, independent_flops, independent_kept)


def _share(value: float) -> str:
    return f"{value:.0%}".replace("%", " %")


def cost_sentences(cost: ModelCost, analysis: Analysis) -> list[str]:
    """What sharing saves in this model beyond parameters, in plain sentences."""
    totals = analysis.totals
    sentences = [
        f"Against one network per task this model saves {_share(totals.saved_share)} of the "
        f"parameters (and of Adam's state, two values per weight), "
        f"{_share(cost.flops_saved_share)} of the arithmetic per window and "
        f"{_share(cost.activations_saved_share)} of the activations kept for training"
        + (
            ": a layer that several tasks share runs once for all of them."
            if cost.flops_saved_share > 0
            else ": no layer here runs once for several tasks."
        )
    ]
    tied = [layer for layer in cost.layers if layer.calls > 1 and layer.params]
    if tied:
        layer = max(tied, key=lambda t: t.forward_flops)
        sentences.append(
            f"Tying saves weights only: `{layer.layer}` is one set of {layer.params:,} "
            f"weights, yet it computes once per call ({layer.calls} calls, "
            f"{layer.forward_flops:,} FLOPs per window forward, about twice that backward) "
            f"and keeps {layer.calls} outputs ({layer.kept_values:,} values per window) for "
            "the backward pass."
        )
    return sentences


def cost_rows(cost: ModelCost, batch_size: int) -> list[dict]:
    """One row per layer object: its calls, weights, arithmetic, activations at `batch_size`
    and Adam's state, then the model's totals (plain rows; the page makes the table)."""
    kib = 1024

    def row(name: str, calls: int, params: int, flops: int, kept: int) -> dict:
        return {
            "Layer": name,
            "Calls": calls,
            "Parameters": params,
            "Forward FLOPs per window": flops,
            "Backward FLOPs per window (≈ 2×)": BACKWARD_PASSES * flops,
            f"Activations kept, KB (batch {batch_size})": kept * batch_size * FLOAT_BYTES / kib,
            "Adam state, KB": ADAM_SLOTS * params * FLOAT_BYTES / kib,
        }

    rows = [
        row(layer.layer, layer.calls, layer.params, layer.forward_flops, layer.kept_values)
        for layer in cost.layers
    ]
    total = sum(layer.params for layer in cost.layers)
    calls = sum(layer.calls for layer in cost.layers)
    return rows + [row("whole model", calls, total, cost.forward_flops, cost.kept_values)]
