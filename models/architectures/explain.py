"""Plain sentences that say what the current setting means, from the spec and its analysis."""

from __future__ import annotations

from models.analysis.records import Analysis
from models.architectures.builders import CROSS_STITCH_SELF_WEIGHT, count_hard
from models.architectures.groups import branch_name, describe, groups_of
from models.spec import ModelSpec


def _names(names: list[str]) -> str:
    if len(names) <= 3:
        return ", ".join(names)
    return f"{names[0]} … {names[-1]}"


def _weights(analysis: Analysis, names: list[str]) -> int:
    return sum(analysis.layer(n).params for n in names)


def _heads_sentence(spec: ModelSpec, analysis: Analysis) -> str:
    head = analysis.layer(analysis.tasks[0])
    sentence = (
        f"Each of the {len(analysis.tasks)} tasks (a {spec.horizon}-step forecast of one feature) "
        f"ends in its own Dense({spec.horizon}) head of {head.params:,} parameters."
    )
    if spec.extra_inputs:
        extras = spec.extra_inputs
        sentence += (
            f" The last {extras} of the {spec.n_features} features "
            f"{'are inputs' if extras > 1 else 'is an input'} only: read by the first layer, "
            "forecast by no task, so they add input weights but no head or task copy."
        )
    return sentence


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


def explain_branched(spec: ModelSpec, analysis: Analysis) -> list[str]:
    """Sentences for the branched variant: its trunk, its branches, and the two extremes."""
    n_tasks, k = len(analysis.tasks), spec.shared_layers
    groups = groups_of(spec.task_groups, spec.n_tasks)
    weighted = [f"conv{i + 1}" for i in range(spec.n_conv)]
    trunk = (weighted + [f"dense{i + 1}" for i in range(spec.n_dense)])[:k]
    if trunk:
        which = "The first weighted layer" if k == 1 else f"The first {k} weighted layers"
        lead = (
            f"{which} ({_names(trunk)}: {_weights(analysis, trunk):,} parameters) "
            f"form{'s' if k == 1 else ''} one trunk that all {n_tasks} tasks read."
        )
    else:
        lead = "There is no trunk (k = 0): every branch starts at the input."
    branch = [
        layer.name.removeprefix(branch_name(groups[0]) + "_")
        for layer in analysis.layers
        if layer.name.startswith(branch_name(groups[0]) + "_") and layer.params
    ]
    branch = [name for name in branch if name != "head"]
    if not branch:
        return [
            lead,
            "Every weighted layer is in the trunk, so the groups have nothing left to split: "
            "this is hard sharing of the whole body, as in model 1.",
            _heads_sentence(spec, analysis),
        ]
    if len(groups) == 1:
        return [
            lead,
            f"All {n_tasks} tasks are one group, so its branch ({branch_name(groups[0])}_…) "
            "carries the trunk on: every layer serves every task, one trunk all the way as in "
            f"model 1 ({analysis.totals.total:,} parameters).",
            _heads_sentence(spec, analysis),
        ]
    per_branch = sum(analysis.layer(f"{branch_name(groups[0])}_{b}").params for b in branch)
    split = (
        f"After it the tasks split into {len(groups)} branch{'es' if len(groups) > 1 else ''} "
        f"({describe(groups)}): each its own {_names(branch)}, called once and read only by its "
        f"group's tasks ({per_branch:,} parameters per branch)."
    )
    if any(len(group) > 1 for group in groups):
        split += " Within a group the tasks share hard; between groups nothing past the trunk is."
    every_alone = count_hard(spec.replace(variant="hard"))
    one_group = count_hard(spec.replace(variant="hard", shared_layers=spec.n_conv + spec.n_dense))
    extremes = (
        f"This tree has {analysis.totals.total:,} parameters, between its two extremes at this "
        f"k: every task its own branch (hard sharing, {every_alone:,}) and one group for all "
        f"tasks (one trunk all the way, {one_group:,})."
    )
    return [lead, split, extremes, _heads_sentence(spec, analysis)]


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


def explain_cross_stitch(spec: ModelSpec, analysis: Analysis) -> list[str]:
    """Sentences for the cross-stitch (soft sharing) variant."""
    n, k = len(analysis.tasks), spec.shared_layers
    units = [layer for layer in analysis.layers if layer.name.startswith("cross_stitch")]
    per_network = (analysis.totals.total - sum(u.params for u in units)) // n
    if k == 0:
        return [
            f"No cross-stitch unit: each of the {n} tasks has its own network "
            f"({per_network:,} parameters each, {analysis.totals.total:,} in all), as in hard "
            "sharing with k = 0.",
            _heads_sentence(spec, analysis),
        ]
    mixed = [u.name for u in units]
    after = [name.removeprefix("task1_") for name in _mixed_layers(analysis, mixed)]
    hard = count_hard(spec.replace(variant="hard"))
    where = f"After {after[0]}" if k == 1 else f"After each of {_names(after)}"
    return [
        f"Each of the {n} tasks has its own network on the whole input ({per_network:,} "
        f"parameters each). {where}, a cross-stitch unit ({_names(mixed)}) mixes the tasks' "
        "activations: task i's next layer reads Σⱼ α[i, j] · (task j's activation), with a "
        f"learned {n} × {n} matrix α per unit.",
        "This is soft parameter sharing: no layer object is reused and no weight is tied; "
        "the tasks only exchange activations. Hard sharing with the same k instead runs the "
        f"first {k} weighted layers once, for every task ({hard:,} parameters in all).",
        f"The {k} unit{'s add' if k > 1 else ' adds'} {k} × {n}² = {k * n * n:,} mixing parameters "
        f"to the {n} separate networks: {analysis.totals.total:,} in all, so nothing is saved.",
        f"α starts at {_alpha_start(n)}: the tasks start almost independent, and training "
        "moves α (a large α[i, j] means task i borrows from task j). α = identity gives fully "
        f"independent networks; every entry 1/{n} feeds each task the same average.",
        f"task1_{after[0]} belongs to task 1, but its activations reach every task through "
        f"{mixed[0]}: each unit serves all {n} tasks, the layers between units serve one.",
        _heads_sentence(spec, analysis),
    ]


def _mixed_layers(analysis: Analysis, units: list[str]) -> list[str]:
    """Task 1's layer that feeds each cross-stitch unit, in order."""
    feeders = []
    for unit in units:
        parents = analysis.calls_of(unit)[0].parents
        feeders.append(next(p.rsplit("#", 1)[0] for p in parents if p.startswith("task1_")))
    return feeders


def _alpha_start(n: int) -> str:
    if n == 1:
        return "[[1]] (one task has nothing to mix)"
    own = CROSS_STITCH_SELF_WEIGHT
    return f"{own:g} on the diagonal and {1 - own:g} / {n - 1} = {(1 - own) / (n - 1):.3g} off it"


def explain_mmoe(spec: ModelSpec, analysis: Analysis) -> list[str]:
    """Sentences for the multi-gate mixture of experts."""
    n, k = len(analysis.tasks), spec.shared_layers
    expert = [layer for layer in analysis.layers if layer.name.startswith("expert1_")]
    per_expert = sum(layer.params for layer in expert)
    gate = analysis.layer("task1_gate")
    body = _names([layer.name.removeprefix("expert1_") for layer in expert if layer.params])
    sentences = [
        f"{k} expert{'s' if k > 1 else ''}, each a copy of the whole body ({body}: "
        f"{per_expert:,} parameters) on the whole input, {'are' if k > 1 else 'is'} shared by "
        f"all {n} tasks: every task's loss trains every expert, in proportion to its gate.",
        f"Each task has its own gate: a softmax over the {k} experts computed from the "
        f"flattened input window ({gate.params:,} parameters: {spec.timesteps * spec.n_features}"
        f" inputs × {k} + {k}). Its head reads the gate-weighted sum of the experts' outputs, "
        "so two tasks can lean on different experts: learned, soft sharing between them.",
        _heads_sentence(spec, analysis),
    ]
    if k == 1:
        sentences.insert(
            2,
            "With one expert every gate's weight is 1 whatever it learns: this is hard sharing "
            "of the whole body (model 1) with gates that cannot choose.",
        )
    return sentences
