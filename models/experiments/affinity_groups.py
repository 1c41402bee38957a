"""Which tasks should share, predicted from a run's measured task affinity, and the sharing
tree proposed from it.

The prediction follows TAG (Fifty et al., 2021): a grouping's score is the help each task gets
from the tasks it shares with, Z[i -> j] averaged over its group mates (a task alone gets
none), averaged over the tasks. `models.experiments.grouping` tests such predictions by
training.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.architectures.groups import Groups, describe, labels_of, partitions
from models.architectures.variants import VARIANTS, validate
from models.spec import ModelSpec

# Scores this close to the best (a fraction of it) count as a tie; the tie goes to fewer groups,
# which is fewer parameters: a measured affinity is noisy and sharing more is cheaper.
SCORE_TIE = 0.1
EXHAUSTIVE_TASKS = 8  # bell(8) = 4,140 groupings, scored in ~0.1 s; past that a greedy path


def tag_score(groups: Groups, affinity: np.ndarray) -> float:
    """The help an average task gets from its group mates' steps (TAG's inter-task affinity)."""
    received = []
    for group in groups:
        for j in group:
            mates = [i for i in group if i != j]
            received.append(float(np.mean([affinity[i, j] for i in mates])) if mates else 0.0)
    return float(np.mean(received))


def ranked_by_affinity(affinity: np.ndarray) -> list[tuple[Groups, float]]:
    """Groupings of the tasks with their scores, best first (ties: fewer groups first): every
    grouping of up to EXHAUSTIVE_TASKS tasks; for more, those met by greedily merging the two
    groups whose union raises the score most, from every task alone to one group."""
    n = len(affinity)
    if n <= EXHAUSTIVE_TASKS:
        candidates = list(partitions(n))
    else:
        candidates = _greedy_path(affinity)
    scored = [(g, tag_score(g, affinity)) for g in candidates]
    best = max(score for _, score in scored)
    tie = abs(best) * SCORE_TIE

    def key(item):
        groups, score = item
        return (score < best - tie, len(groups) if score >= best - tie else 0, -score)

    return sorted(scored, key=key)


def _greedy_path(affinity: np.ndarray) -> list[Groups]:
    """The groupings met merging, one step at a time, the pair of groups whose union scores
    best: n groupings for n tasks (bell(16) is 10.5 billion; this path is 16)."""
    groups: Groups = tuple((t,) for t in range(len(affinity)))
    path = [groups]
    while len(groups) > 1:
        pairs = [(a, b) for a in range(len(groups)) for b in range(a + 1, len(groups))]
        options = [_merged(groups, a, b) for a, b in pairs]
        groups = max(options, key=lambda option: tag_score(option, affinity))
        path.append(groups)
    return path


def _merged(groups: Groups, a: int, b: int) -> Groups:
    """`groups` with groups a and b made one, in canonical order (by first task)."""
    rest = [g for k, g in enumerate(groups) if k not in (a, b)]
    return tuple(sorted([*rest, tuple(sorted(groups[a] + groups[b]))]))


def predicted(affinity: np.ndarray) -> Groups:
    """The grouping the affinity predicts best."""
    return ranked_by_affinity(affinity)[0][0]


def _mutual(affinity: np.ndarray, i: int, j: int) -> float:
    return (affinity[i, j] + affinity[j, i]) / 2


def why_sentence(groups: Groups, affinity: np.ndarray) -> str:
    """Why the affinity groups the tasks so: the help within its groups against between them."""
    within = [_mutual(affinity, i, j) for g in groups for i in g for j in g if i < j]
    between = [
        _mutual(affinity, i, j)
        for a, ga in enumerate(groups)
        for gb in groups[a + 1 :]
        for i in ga
        for j in gb
    ]
    if len(groups) == 1:
        return (
            f"Every pair of tasks helps about as much as any other (mean Z = {np.mean(within):.2g} "
            "both ways): nothing sets a group apart, so they share one trunk all the way."
        )
    if not within:
        return (
            f"No task's step helps another's enough to share (mean Z between tasks "
            f"{np.mean(between):.2g}): every task gets its own branch."
        )
    return (
        f"Within {describe(groups)} the tasks' steps help each other (mean Z = "
        f"{np.mean(within):.2g} both ways); between these groups they help less "
        f"({np.mean(between):.2g}){' or hurt' if min(between) < 0 else ''}."
    )


@dataclass(frozen=True)
class Proposal:
    """A sharing tree proposed from a run's measured affinity, and why."""

    spec: ModelSpec
    groups: Groups
    sentence: str


def proposal_k(spec: ModelSpec, suggested_k: int | None) -> int:
    """The proposed tree's trunk: the k the conflict per layer suggests; else a branched
    model's own k; else none, each group its own network. The affinity says which tasks help
    each other, not from which layer on they part: a trunk shared across the groups is what
    the oracle's runs found to cost most on data whose groups share nothing (README)."""
    if suggested_k is not None:
        return suggested_k
    return spec.shared_layers if VARIANTS[spec.variant].reads_groups else 0


def propose(spec: ModelSpec, affinity: np.ndarray, suggested_k: int | None = None) -> Proposal:
    """The branched model the affinity measured on `spec` points to, on `spec`'s sizes."""
    groups = predicted(affinity)
    k = proposal_k(spec, suggested_k)
    tree = spec.replace(variant="branched", shared_layers=k, task_groups=labels_of(groups))
    if all(len(group) == 1 for group in groups):  # a branch per task is hard sharing at this k:
        tree = tree.replace(variant="hard", task_groups=())  # the same model, under its own name
    tree = validate(tree.replace(frozen=()))
    trunk = VARIANTS["branched"].shareable(spec)[:k]
    if len(groups) == 1:
        shape = "one trunk for every task (model 1's sharing)"
    elif not trunk:
        shape = f"the tree {describe(groups)} with no trunk (k = 0): each group its own network"
    else:
        span = trunk[0] if len(trunk) == 1 else f"{trunk[0]}–{trunk[-1]}"
        shape = (
            f"the tree {describe(groups)}: {span} shared by every task (k = {k}), then a branch "
            "per group"
        )
    return Proposal(tree, groups, f"{why_sentence(groups, affinity)} Proposed: {shape}.")
