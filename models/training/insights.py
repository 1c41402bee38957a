"""What a trained model shows beyond its losses: cross-stitch mixing, MMoE gate weights and
which layers kept their starting weights."""

from __future__ import annotations

import numpy as np


def mixing_matrices(model) -> dict[str, np.ndarray]:
    """Layer name -> value of its `alpha` weight, for layers named cross_stitch*."""
    return {
        layer.name: np.asarray(weight.numpy())
        for layer in model.layers
        if layer.name.startswith("cross_stitch")
        for weight in layer.weights
        if weight.path.endswith("alpha") or weight.name.endswith("alpha")
    }


def gate_weights(model, x: np.ndarray, batch_windows: int) -> np.ndarray | None:
    """Each task's mean gate weight per expert over the windows `x`: (tasks, experts), rows
    summing to 1; None for a model without MMoE gates. Gates read the flattened window, here
    `batch_windows` windows at a time (memory follows the batch, not the data set)."""
    gates = [layer for layer in model.layers if getattr(layer, "gates_experts", False)]
    if not gates:
        return None
    flatten, summed = model.get_layer("window"), 0.0
    for start in range(0, len(x), batch_windows):
        window = flatten(x[start : start + batch_windows])
        # Summed in float64 over the batches, then divided once: the mean over all of x.
        summed += np.stack([np.asarray(gate.gate(window), np.float64).sum(0) for gate in gates])
    return (summed / len(x)).astype(np.float32)


def gate_reading(weights: np.ndarray, names=()) -> str:
    """What the gate weights say, task by task: "Task 3 uses expert 2 for 80 % of its input";
    `names`: the tasks' own names (a CSV's columns)."""
    tasks = list(names) or [f"Task {t + 1}" for t in range(len(weights))]
    parts = [
        f"{tasks[t]} uses expert {int(np.argmax(row)) + 1} for {float(np.max(row)):.0%}"
        for t, row in enumerate(np.asarray(weights, dtype=float))
    ]
    return "; ".join(parts) + " of its input."


def unmoved_layers(model, before: list[np.ndarray], after: list[np.ndarray]) -> tuple[str, ...]:
    """Names of the layers with weights whose every weight is bit-identical in `after` and
    `before` (both in `model.get_weights()` order): a frozen layer's proof, in all its calls."""
    unmoved, start = [], 0
    for layer in model.layers:
        n = len(layer.weights)
        pairs = zip(before[start : start + n], after[start : start + n], strict=True)
        if n and all(np.array_equal(a, b) for a, b in pairs):
            unmoved.append(layer.name)
        start += n
    return tuple(unmoved)
