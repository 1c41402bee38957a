"""Runs of identical blocks in a graph, so a 200-layer backbone can be drawn as its stages.

A block is a stretch of consecutive nodes (in graph order); a run is the same block repeated
back to back: every node matching its counterpart in type, weights, shapes and wiring (each
parent at the same distance back, so a residual connection matches too). The graph draws the
first block of a run once, marked "× r", and leaves the others out.
"""

from __future__ import annotations

import os
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from models.analysis.records import Analysis

MAX_PERIOD = 80  # the longest block looked for, in nodes (a DenseNet layer is ~7, a stage more)
MIN_REPEATS = 2


@dataclass(frozen=True)
class Run:
    """`repeats` copies of the block of `period` nodes that starts at `start` (node indices)."""

    start: int
    period: int
    repeats: int

    @property
    def end(self) -> int:
        return self.start + self.period * self.repeats


def signatures(kinds: Sequence[Hashable], parents: Sequence[Sequence[int]]) -> list[Hashable]:
    """Per node: its kind and the distance back to each parent (wiring that repeats alike)."""
    return [
        (kind, tuple(sorted(i - p for p in own)))
        for i, (kind, own) in enumerate(zip(kinds, parents, strict=True))
    ]


def _repeats(sig: Sequence[Hashable], start: int, period: int) -> int:
    block = sig[start : start + period]
    count = 1
    while sig[start + count * period : start + (count + 1) * period] == block:
        count += 1
    return count


def _single_exit(run: Run, parents: Sequence[Sequence[int]]) -> bool:
    """Every edge from one block into the next leaves from the block's last node: the run's
    blocks are cut where the model's own blocks end (ResNet's `…_out`), not midway."""
    for b in range(1, run.repeats):
        first = run.start + b * run.period
        for node in range(first, first + run.period):
            if any(first - run.period <= p < first - 1 for p in parents[node]):
                return False
    return True


def _longest_at(sig: Sequence[Hashable], start: int) -> Run | None:
    """The run starting at `start` that covers the most nodes (the shorter block on a tie,
    so a stage of 3 blocks is not one block of 3)."""
    best = None
    for period in range(2, min(MAX_PERIOD, (len(sig) - start) // MIN_REPEATS) + 1):
        if sig[start] != sig[start + period]:
            continue  # cheap test first: most periods fail on their first node
        repeats = _repeats(sig, start, period)
        longer = best is None or period * repeats > best.period * best.repeats
        if repeats >= MIN_REPEATS and longer:
            best = Run(start, period, repeats)
    return best


def common_prefix(names: Sequence[str]) -> str:
    """The start every name shares, cut back to a separator (`conv2_block2_1_conv`, …
    -> `conv2_block2`)."""
    prefix = os.path.commonprefix(list(names))
    cut = max(prefix.rfind(sep) for sep in "_/.-")
    return prefix[:cut] if len(prefix) < min(map(len, names)) and cut > 0 else prefix


def _aligned(run: Run, sig, parents, names: Sequence[str]) -> Run:
    """The same repetition shifted by up to one block to where its blocks have a single exit;
    of those, the one whose blocks' names share the most (the model's own block boundaries)."""
    best, best_prefix = run, -1
    for shift in range(run.period):
        start = run.start + shift
        repeats = _repeats(sig, start, run.period) if start + run.period < len(sig) else 1
        candidate = Run(start, run.period, repeats)
        if repeats < MIN_REPEATS or not _single_exit(candidate, parents):
            continue
        shared = len(common_prefix(names[start : start + run.period]))
        if shared > best_prefix:
            best, best_prefix = candidate, shared
    return best


def find_runs(
    sig: Sequence[Hashable], parents: Sequence[Sequence[int]], names: Sequence[str]
) -> list[Run]:
    """Non-overlapping runs, left to right, each cut at its blocks' single exits if it can be.

    `parents[i]`: the indices node i reads from; `names[i]`: its name (a tie-breaker only).
    """
    runs, start = [], 0
    while start < len(sig):
        found = _longest_at(sig, start)
        if found is None:
            start += 1
            continue
        run = _aligned(found, sig, parents, names)
        runs.append(run)
        start = run.end
    return runs


def representatives(runs: Sequence[Run]) -> dict[int, int]:
    """Node index -> the index of its counterpart in its run's first block (hidden nodes only)."""
    return {
        i: run.start + (i - run.start) % run.period
        for run in runs
        for i in range(run.start + run.period, run.end)
    }


@dataclass(frozen=True)
class FoldPlan:
    """What a folded drawing shows: each hidden node's stand-in, and a box per run."""

    hidden: dict[str, str]  # key of a node left out -> key of the node drawn for it
    boxes: dict[str, str]  # key of a drawn node in a run's first block -> that run's box label
    position: dict[str, tuple[int, int]]  # key -> (run number, index) for nodes in runs

    def shown(self, key: str) -> str:
        return self.hidden.get(key, key)

    def repeats_edge(self, src: str, dst: str) -> bool:
        """An edge from one block of a run into the next: drawn once, as the box's "× r"."""
        a, b = self.position.get(src), self.position.get(dst)
        if a is None or b is None or a[0] != b[0]:
            return False
        return self.position[self.shown(dst)][1] <= self.position[self.shown(src)][1]


NO_FOLDING = FoldPlan({}, {}, {})


def fold_plan(keys: Sequence[str], kinds: Sequence[Hashable], parents: Sequence[Sequence[str]]):
    """The runs of identical blocks among `keys` (graph order), as a `FoldPlan`.

    `kinds[i]`: what must match for node i to repeat (type, weights, shapes, ...); give a node
    that must never fold a kind of its own. `parents[i]`: the keys node i reads from.
    """
    index = {key: i for i, key in enumerate(keys)}
    parent_indices = [[index[p] for p in own if p in index] for own in parents]
    runs = find_runs(signatures(kinds, parent_indices), parent_indices, keys)
    hidden = {keys[i]: keys[j] for i, j in representatives(runs).items()}
    boxes, position = {}, {}
    for number, run in enumerate(runs):
        blocks = [keys[run.start + b * run.period :][: run.period] for b in range(run.repeats)]
        first, last = (common_prefix(block) for block in (blocks[0], blocks[-1]))
        if not first or first == last:  # names that do not number the blocks: name their starts
            first, last = blocks[0][0], blocks[-1][0]
        label = f"× {run.repeats} identical blocks ({first} … {last})"
        boxes.update({keys[i]: label for i in range(run.start, run.start + run.period)})
        position.update({keys[i]: (number, i) for i in range(run.start, run.end)})
    return FoldPlan(hidden, boxes, position)


def _never_folded(analysis: Analysis) -> frozenset[str]:
    return analysis.output_layers | frozenset(analysis.inputs)


def layer_plan(analysis: Analysis) -> FoldPlan:
    """Runs of identical blocks of layer objects (same type, weights, shapes, role, wiring)."""
    never, layer_of_call = _never_folded(analysis), {c.id: c.layer for c in analysis.calls}
    kinds, parents = [], []
    for layer in analysis.layers:
        calls = analysis.calls_of(layer.name)
        shapes = tuple(c.output_shape for c in calls)
        same = (layer.type, layer.params, layer.weight_shapes, layer.role, shapes)
        kinds.append((layer.name,) if layer.name in never else same)
        parents.append([layer_of_call[p] for c in calls for p in c.parents])
    return fold_plan([layer.name for layer in analysis.layers], kinds, parents)


def call_plan(analysis: Analysis) -> FoldPlan:
    """Runs of identical blocks of calls."""
    never, by_name = _never_folded(analysis), {layer.name: layer for layer in analysis.layers}
    kinds = [
        (c.id,)
        if c.layer in never
        else (by_name[c.layer].type, by_name[c.layer].params, by_name[c.layer].role, c.output_shape)
        for c in analysis.calls
    ]
    return fold_plan([c.id for c in analysis.calls], kinds, [c.parents for c in analysis.calls])
