"""What a run's conflict measurements say: per-layer table, task affinity and a suggested k.

Pure pandas on a run's history (see `models.training.history` for its columns): nothing here
trains, and every sentence is computed from the numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.architectures.variants import VARIANTS
from models.spec import ModelSpec
from models.training import history as losses

# Fewer measured epochs than this are too few to call a layer conflicting.
MIN_MEASUREMENTS = 10
# Affinities within this fraction of the largest one read as "about the same".
AFFINITY_TIE = 0.1


def measured(history: pd.DataFrame) -> pd.DataFrame:
    """The epochs on which the conflict was measured (the others hold NaN)."""
    if not losses.has_conflict(history):
        return history.iloc[0:0]
    return history[history[losses.CONFLICT_MEAN].notna()]


def layer_table(history: pd.DataFrame, params: Mapping[str, int]) -> pd.DataFrame:
    """One row per task-shared layer: its parameters, mean cosine, share of measured epochs
    below 0 and mean gradient magnitude similarity (Phi), in graph order."""
    rows = measured(history)
    table = []
    for name in losses.layers_in(history):
        cosine = rows[losses.layer_cosine(name)].dropna()
        table.append(
            {
                "Layer": name,
                "Parameters": int(params.get(name, 0)),
                "Mean cosine": float(cosine.mean()) if len(cosine) else np.nan,
                "Epochs below 0": float((cosine < 0).mean()) if len(cosine) else np.nan,
                "Φ (magnitude similarity)": float(rows[losses.layer_phi(name)].mean()),
            }
        )
    return pd.DataFrame(table)


def chance_share(n: int) -> float:
    """A share of epochs below 0 that a coin would reach only about 1 time in 40 (two standard
    deviations above one half): more often than that is conflict, not noise."""
    return 0.5 + 1.0 / np.sqrt(max(n, 1))


def conflicting_layers(table: pd.DataFrame, n: int) -> list[str]:
    """Layers whose cosine is below 0 more often than chance, most often first."""
    bad = table[table["Epochs below 0"] > chance_share(n)]
    return list(bad.sort_values("Epochs below 0", ascending=False)["Layer"])


@dataclass(frozen=True)
class Suggestion:
    """A sentence and, if the evidence supports one, the spec that acts on it."""

    text: str
    spec: ModelSpec | None = None


def suggest(spec: ModelSpec, table: pd.DataFrame, n: int) -> Suggestion:
    """Which layers to keep shared, from `table` (`layer_table`) over `n` measured epochs."""
    if table.empty:
        return Suggestion("No weights serve two tasks in this model: there is nothing to suggest.")
    if n < MIN_MEASUREMENTS:
        return Suggestion(
            f"The evidence is too weak to suggest anything: the conflict was measured on only "
            f"{n} epoch{'s' if n != 1 else ''} (at least {MIN_MEASUREMENTS} are needed). Train "
            "for more epochs."
        )
    bad = conflicting_layers(table, n)
    if not bad:
        worst = table["Epochs below 0"].max()
        return Suggestion(
            f"No shared layer conflicts more often than chance: its cosine is below 0 in at most "
            f"{worst:.0%} of the {n} measured epochs (more than {chance_share(n):.0%} would be "
            "conflict), so the measurements point at no layer to stop sharing."
        )
    return _keep_agreeing(spec, table, bad, n)


def _keep_agreeing(spec: ModelSpec, table: pd.DataFrame, bad: list[str], n: int) -> Suggestion:
    share = table.set_index("Layer")["Epochs below 0"]
    worst = bad[:2]
    where = (
        f"{' and '.join(worst)} {'are' if len(worst) > 1 else 'is'} where the tasks conflict "
        f"most (cosine < 0 in {share[worst[0]]:.0%} of {n} measured epochs)"
    )
    order = VARIANTS[spec.variant].shareable(spec)
    in_trunk = [name for name in bad if name in order]
    if not VARIANTS[spec.variant].k_is_trunk or not in_trunk:
        # Only a trunk's k picks which layers the tasks share, from the input side; this
        # variant's k means something else (see its help), or the conflict is past the trunk.
        return Suggestion(
            f"{where}. Hard sharing's k chooses which layers the tasks share; this variant's k "
            "does not, so no k is suggested here."
            if not VARIANTS[spec.variant].k_is_trunk
            else f"{where}: past the trunk, inside a group's branch, so no k follows; give "
            "those tasks different group numbers to stop them sharing it."
        )
    k = min(order.index(name) for name in in_trunk)
    if k == 0:
        return Suggestion(
            f"{where}: already the first layer pulls the tasks apart, so "
            + (
                "k = 0 starts every group's branch at the input."
                if VARIANTS[spec.variant].reads_groups
                else "sharing nothing (k = 0) gives every task its own network."
            ),
            spec.replace(shared_layers=0),
        )
    return Suggestion(
        f"{where}: sharing only {_span(order[:k])} (k = {k}) keeps the agreeing layers shared.",
        spec.replace(shared_layers=k),
    )


def _span(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{names[0]}–{names[-1]}"


def plain_reading(history: pd.DataFrame, table: pd.DataFrame, names=()) -> str | None:
    """One sentence a newcomer reads first: did the tasks pull the shared weights the same way,
    and does any layer fight (its cosine below 0 more often than chance)? None: not measured."""
    rows = measured(history)
    n = len(rows)
    if not n:
        return None
    who = f"{names[0]} and {names[1]}" if len(names) == 2 else "The tasks"
    agree = int((rows[losses.CONFLICT_MEAN] > 0).sum())
    margin = chance_share(n) - 0.5
    if agree / n >= 0.5 + margin:
        way = f"pulled the shared weights the same way in most epochs ({agree} of {n} measured)"
    elif agree / n <= 0.5 - margin:
        way = f"pulled the shared weights against each other in most epochs ({n - agree} of {n})"
    else:
        way = f"pulled the shared weights the same way in about half the epochs ({agree} of {n})"
    if n < MIN_MEASUREMENTS:
        return f"{who} {way}; too few epochs were measured to say whether a layer fights."
    bad = conflicting_layers(table, n) if not table.empty else []
    if not bad:
        return f"{who} {way}; no layer fights."
    fight = " and ".join(bad[:2]) + (f" (and {len(bad) - 2} more)" if len(bad) > 2 else "")
    verb = "fight" if len(bad) > 1 else "fights"
    return (
        f"{who} {way}; {fight} {verb}: there the tasks pull apart in more epochs than chance "
        "would give."
    )


def affinity_matrix(history: pd.DataFrame, n_tasks: int) -> np.ndarray | None:
    """Mean lookahead affinity Z[i, j] (task i's step on task j) over the measured epochs."""
    rows = measured(history)
    names = [losses.affinity(i, j) for i in range(n_tasks) for j in range(n_tasks)]
    if not len(rows) or not set(names) <= set(rows.columns):
        return None
    return rows[names].mean().to_numpy(float).reshape(n_tasks, n_tasks)


def affinity_reading(matrix: np.ndarray, names=()) -> str:
    """Which tasks help each other most and which hurt, from the off-diagonal affinities;
    `names`: the tasks' own names (a CSV's columns), else "task 1", ..."""
    n = len(matrix)
    if n < 2:
        return "One task: no other task to help or hurt."
    task = list(names) if names else [f"task {t + 1}" for t in range(n)]
    off = [(matrix[i, j], i, j) for i in range(n) for j in range(n) if i != j]
    best, i, j = max(off)
    mutual = (matrix[i, j] + matrix[j, i]) / 2
    sentence = (
        f"{_first(task[i])}'s step helps {task[j]} most (Z = {best:.2g}; the two average "
        f"{mutual:.2g} both ways)."
    )
    hurt = [(z, a, b) for z, a, b in off if z < 0]
    if hurt:
        worst, a, b = min(hurt)
        sentence += f" {_first(task[a])}'s step hurts {task[b]} (Z = {worst:.2g})."
    else:
        sentence += " No task's step raises another's loss on average."
    low = min(z for z, _, _ in off)
    if best > 0 and low >= best * (1 - AFFINITY_TIE):
        sentence += " Every pair helps about equally: the tasks look alike to the shared weights."
    return sentence


def _first(name: str) -> str:
    """A name opening a sentence: "task 3" reads "Task 3"; a column's own name stays as it is."""
    return "T" + name[1:] if name.startswith("task ") else name
