"""Plain sentences that say what the current setting means, from the spec and its analysis."""

from __future__ import annotations

from models.analysis import Analysis
from models.spec import ModelSpec


def _names(names: list[str]) -> str:
    if len(names) <= 3:
        return ", ".join(names)
    return f"{names[0]} … {names[-1]}"


def _weights(analysis: Analysis, names: list[str]) -> int:
    return sum(analysis.layer(n).params for n in names)


def _heads_sentence(spec: ModelSpec, analysis: Analysis) -> str:
    head = analysis.layer(analysis.tasks[0])
    return (
        f"Each of the {len(analysis.tasks)} tasks (a {spec.horizon}-step forecast of one feature) "
        f"ends in its own Dense({spec.horizon}) head of {head.params:,} parameters."
    )


def explain_hard(spec: ModelSpec, analysis: Analysis) -> list[str]:
    """Sentences for the hard-sharing variant."""
    n_tasks, k = len(analysis.tasks), spec.shared_layers
    trunk = [layer.name for layer in analysis.layers if layer.shared]
    trunk_weighted = [n for n in trunk if analysis.layer(n).params]
    if k == 0:
        lead = (
            f"Nothing is shared: each of the {n_tasks} tasks has its own network "
            f"({analysis.totals.total // n_tasks:,} parameters each, "
            f"{analysis.totals.total:,} in all)."
        )
    else:
        per_task = [
            n
            for n in (layer.name for layer in analysis.layers)
            if n.startswith("task1_") and n != analysis.tasks[0]
        ]
        rest = (
            f" From {per_task[0].removeprefix('task1_')} on, every task has its own copy."
            if per_task
            else ""
        )
        lead = (
            f"The first {k} weighted layer{'s' if k > 1 else ''} ({_names(trunk_weighted)}: "
            f"{_weights(analysis, trunk_weighted):,} parameters) form one trunk called once, "
            f"whose output every one of the {n_tasks} tasks reads: hard parameter sharing "
            f"across tasks.{rest}"
        )
    sentences = [lead, _heads_sentence(spec, analysis)]
    first_conv = next((layer for layer in analysis.layers if layer.type == "Conv1D"), None)
    if first_conv is not None:
        sentences.append(
            f"{first_conv.name}'s kernel is {first_conv.weight_shapes[0]} "
            f"(kernel × input channels × filters): every filter mixes all "
            f"{spec.n_features} features at each step."
        )
    return sentences


def explain_towers(spec: ModelSpec, analysis: Analysis) -> list[str]:
    """Sentences for the tied-towers variant."""
    n, k = spec.n_features, spec.shared_layers
    tied = [layer.name for layer in analysis.layers if layer.tied and layer.params]
    if k == 0:
        lead = (
            f"No conv layer is tied: each of the {n} features has its own tower of "
            f"{spec.n_conv} conv layers with its own weights."
        )
    else:
        weights = _weights(analysis, tied)
        which = "The first conv layer is" if k == 1 else f"The first {k} conv layers are each"
        lead = (
            f"{which} one layer object called on all {n} features ({_names(tied)}): "
            f"{weights:,} weights instead of {n} × {weights:,}. Calling it again reuses "
            "the same variables, and their gradients add up across the calls."
        )
    sentences = [lead]
    first = analysis.layer(tied[0]) if tied else None
    if first is not None:
        sentences.append(
            f"{first.name}'s kernel is {first.weight_shapes[0]}: it sees one feature at a time "
            "and mixes nothing across features — a grouped Conv1D whose group kernels are tied."
        )
    if k == spec.n_conv:
        sentences.append(
            "Every conv layer is shared, so this is one tower applied to each feature in turn "
            "(like folding the features into the batch axis). It is still not model 1, whose "
            "first conv mixes the features."
        )
    dense = [
        layer.name
        for layer in analysis.layers
        if layer.type == "Dense" and layer.name not in analysis.tasks
    ]
    sentences.append(
        f"After the towers are concatenated, {_names(dense)} serve every task: hard sharing "
        "across tasks, a different thing from the tying of the towers."
    )
    sentences.append(_heads_sentence(spec, analysis))
    return sentences
