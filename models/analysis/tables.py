"""Analysis -> pandas DataFrames for the page (plain data; styling happens in components/)."""

from __future__ import annotations

import pandas as pd

from models.analysis.records import Analysis


def served(names, every: tuple[str, ...], noun: str, suffix: str = "") -> str:
    """`names` in the order of `every`, or "all <n> <noun>" when that is every one of them;
    `suffix` is cut from each name shown (task "task1_head" reads as "task1")."""
    ordered = [n.removesuffix(suffix) if suffix else n for n in every if n in names]
    if len(every) > 1 and len(ordered) == len(every):
        return f"all {len(every)} {noun}"
    return ", ".join(ordered)


def _shapes(analysis: Analysis, layer: str) -> str:
    shapes = [c.output_shape for c in analysis.calls_of(layer)]
    if len(shapes) > 1 and len(set(shapes)) == 1:
        return f"{shapes[0]} at each of {len(shapes)} calls"
    return " | ".join(shapes)


def role(layer) -> str:
    """A layer's role as the tables say it: a weightless layer called several times (pooling,
    flatten, ...) is reused, not tied; it has no weights to tie."""
    if layer.tied and not layer.params:
        return f"called ×{layer.n_calls} (no weights to tie)"
    return layer.role


def layer_table(analysis: Analysis) -> pd.DataFrame:
    """One row per layer object (inputs left out): calls, shapes, parameters and role."""
    rows = [
        {
            "Layer": layer.name,
            "Type": layer.type,
            "Calls": layer.n_calls,
            "Output shape per call": _shapes(analysis, layer.name),
            "Parameters": layer.params,
            "Weight shapes": ", ".join(layer.weight_shapes),
            "Role": role(layer),
            "Tasks served": served(layer.tasks, analysis.tasks, "tasks"),
            "Inputs seen": served(layer.inputs, analysis.inputs, "inputs"),
        }
        for layer in analysis.layers
        if not layer.is_input
    ]
    return pd.DataFrame(rows)


def call_table(analysis: Analysis) -> pd.DataFrame:
    """One row per call: which layer object, which call, shapes in and out."""
    by_name = {layer.name: layer for layer in analysis.layers}
    rows = [
        {
            "Call": f"{c.layer} #{c.call}" if by_name[c.layer].tied else c.layer,
            "Layer object": c.layer,
            "Input shape": ", ".join(c.input_shapes),
            "Output shape": c.output_shape,
            "Inputs seen": served(c.inputs, analysis.inputs, "inputs"),
            "Tasks served": served(c.tasks, analysis.tasks, "tasks"),
        }
        for c in analysis.calls
        if not by_name[c.layer].is_input
    ]
    return pd.DataFrame(rows)


def totals_table(analysis: Analysis) -> pd.DataFrame:
    """Where the parameter totals come from, one row per figure."""
    t = analysis.totals
    rows = [
        ("Total parameters (unique, as Keras counts)", t.total),
        ("In shared layers (tied or serving several tasks)", t.shared),
        ("  of which tied (layer objects called more than once)", t.tied),
        ("Task-specific", t.task_specific),
        ("If every call had its own weights (unrolled)", t.unrolled),
        ("If every task had its own network (independent)", t.independent),
        ("Saved by tying calls", t.saved_by_tying),
        ("Saved by sharing across tasks", t.saved_by_task_sharing),
    ]
    return pd.DataFrame(rows, columns=["Figure", "Parameters"])
