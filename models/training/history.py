"""A run's loss history: one row per epoch, its columns named in this one place.

Columns: `epoch`, `train_total`, `val_total`, `train_task<t>` and `val_task<t>` per task
(1-based), then, when some weights serve several tasks and the run measures it (NaN on epochs
it was not measured, or where a gradient is 0):
- `gcos_mean` and `gcos_<i>_<j>` per task pair i < j: the cosine between the two tasks' loss
  gradients on all the task-shared weights (negative = conflict);
- `lcos:<layer>` and `lphi:<layer>` per task-shared layer: the mean over task pairs of the
  cosine and of the gradient magnitude similarity on that layer's weights alone;
- `aff_<i>_<j>` per ordered task pair: the lookahead affinity of task i on task j
  (see `models.training.conflict`);
- `pcos_mean` and `pcos_<i>_<j>` per task pair: the cosines after PCGrad's projection of the
  same gradients (`models.training.surgery`), whether or not the run stepped with it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from models.data.csv_write import safe_csv

EPOCH = "epoch"
SPLITS = ("train", "val")
CONFLICT_MEAN = "gcos_mean"
PROJECTED_MEAN = "pcos_mean"  # the mean pair cosine after PCGrad's projection
_PAIR_PREFIX, _PROJECTED_PREFIX = "gcos_", "pcos_"
_LAYER_COSINE, _LAYER_PHI, _AFFINITY = "lcos:", "lphi:", "aff_"


def total(split: str) -> str:
    """The summed loss over tasks for `split` ("train" or "val")."""
    return f"{split}_total"


def task(split: str, t: int) -> str:
    """Task `t`'s (0-based) loss for `split`."""
    return f"{split}_task{t + 1}"


def pair(i: int, j: int) -> str:
    """The gradient cosine of tasks `i` and `j` (0-based)."""
    return f"{_PAIR_PREFIX}{i + 1}_{j + 1}"


def projected_pair(i: int, j: int) -> str:
    """The cosine of tasks `i` and `j` (0-based) after PCGrad's projection."""
    return f"{_PROJECTED_PREFIX}{i + 1}_{j + 1}"


def layer_cosine(layer: str) -> str:
    """A task-shared layer's mean pair cosine."""
    return _LAYER_COSINE + layer


def layer_phi(layer: str) -> str:
    """A task-shared layer's mean pair gradient magnitude similarity."""
    return _LAYER_PHI + layer


def affinity(i: int, j: int) -> str:
    """Task `i`'s lookahead affinity on task `j` (0-based)."""
    return f"{_AFFINITY}{i + 1}_{j + 1}"


def layers_in(history: pd.DataFrame) -> list[str]:
    """The task-shared layers `history` has per-layer conflict columns for, in graph order."""
    return [c.removeprefix(_LAYER_COSINE) for c in history.columns if c.startswith(_LAYER_COSINE)]


def task_pairs(n_tasks: int) -> list[tuple[int, int]]:
    """Every task pair (i, j), i < j, 0-based, in the order the cosine columns use."""
    return [(i, j) for i in range(n_tasks) for j in range(i + 1, n_tasks)]


def has_conflict(history: pd.DataFrame) -> bool:
    return CONFLICT_MEAN in history.columns


def pairs_in(history: pd.DataFrame) -> list[tuple[int, int]]:
    """The task pairs (0-based) that `history` has cosine columns for."""
    names = [c for c in history.columns if c.startswith(_PAIR_PREFIX) and c != CONFLICT_MEAN]
    return [tuple(int(t) - 1 for t in name.removeprefix(_PAIR_PREFIX).split("_")) for name in names]


def drawn_live(n_tasks: int) -> list[str]:
    """The columns a growing chart may draw: the losses, and the cosines if the run measures
    them (the page draws whichever of these a run's file has)."""
    names = [EPOCH, total("train"), total("val")]
    names += [task(split, t) for split in SPLITS for t in range(n_tasks)]
    names += [CONFLICT_MEAN, PROJECTED_MEAN]
    return names + [pair(i, j) for i, j in task_pairs(n_tasks)]


def empty(history: pd.DataFrame) -> pd.DataFrame:
    """A history with the same columns and no epochs."""
    return pd.DataFrame(columns=history.columns)


def frame(rows: np.ndarray, n_tasks: int, layers: Sequence[str] = ()) -> pd.DataFrame:
    """Rows [train loss per task, val loss per task, then, if measured, cosine per task pair,
    cosine and Phi per task-shared layer (`layers`), affinity per ordered task pair, cosine per
    task pair after PCGrad's projection] as the history."""
    rows = rows.astype(float)
    train, val = rows[:, :n_tasks], rows[:, n_tasks : 2 * n_tasks]
    columns = {
        EPOCH: np.arange(1, len(rows) + 1),
        total("train"): train.sum(axis=1),
        total("val"): val.sum(axis=1),
    }
    columns.update({task("train", t): train[:, t] for t in range(n_tasks)})
    columns.update({task("val", t): val[:, t] for t in range(n_tasks)})
    history = pd.DataFrame(columns)
    measures = rows[:, 2 * n_tasks :]
    if not measures.shape[1]:
        return history
    pairs = [pair(i, j) for i, j in task_pairs(n_tasks)]
    names = pairs + [layer_cosine(name) for name in layers] + [layer_phi(name) for name in layers]
    names += [affinity(i, j) for i in range(n_tasks) for j in range(n_tasks)]
    projected = [projected_pair(i, j) for i, j in task_pairs(n_tasks)]
    table = pd.DataFrame(measures, columns=names + projected)
    history[CONFLICT_MEAN] = table[pairs].mean(axis=1)  # skips a NaN pair
    history[PROJECTED_MEAN] = table[projected].mean(axis=1)
    return pd.concat([history, table], axis=1)


def to_csv(history: pd.DataFrame) -> str:
    """The history as CSV text that `pandas.read_csv` turns back into the same table."""
    return safe_csv(history, float_format="%.17g")


def final(history: pd.DataFrame, column: str) -> float:
    """The column's value at the last epoch (NaN for an empty history)."""
    return float(history[column].iloc[-1]) if len(history) else float("nan")


def best_epoch(history: pd.DataFrame) -> int | None:
    """The epoch with the lowest total validation loss (None for an empty history)."""
    if not len(history):
        return None
    return int(history.at[history[total("val")].idxmin(), EPOCH])
