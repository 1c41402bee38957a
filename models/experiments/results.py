"""A comparison's results table: one row per configuration, from its history and totals."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.analysis.records import Totals
from models.costs.sharing_costs import ModelCost
from models.experiments.configurations import Configuration
from models.training import history as losses

# The columns shown unless every task's own losses are asked for (the rest: "... task <t>").
MAIN_COLUMNS = (
    "Configuration",
    "Total parameters",
    "Shared parameters",
    "Forward FLOPs per window",
    "Activations kept (MB)",
    "Epochs",
    "Final train loss",
    "Final val loss",
    "Best val loss",
    "Best epoch",
    "Time (s)",
    "Status",
)
COUNT_COLUMNS = ("Total parameters", "Shared parameters", "Forward FLOPs per window")
# What sharing saves beyond parameters, or does not: arithmetic per window (a layer called four
# times computes four times) and activations kept for the backward pass at the run's batch
# size; Adam's state is two values per parameter (models.costs.sharing_costs).
MB_COLUMNS = ("Activations kept (MB)", "Adam state (MB)")


def loss_columns(columns: Iterable[str]) -> list[str]:
    """The columns of a results table that hold losses (formatted to four decimals)."""
    return [c for c in columns if "loss" in c or " task " in c]


@dataclass(frozen=True, eq=False)
class RunRecord:
    """One configuration's run as the results table needs it."""

    configuration: Configuration
    totals: Totals
    history: pd.DataFrame  # models.training history columns; may be empty
    status: str  # finished, stopped, diverged, or an error message
    seconds: float | None
    cost: ModelCost | None = None  # what it costs beyond parameters (None: not known)
    batch_size: int = 32  # the run's: activations are kept per window of a training step


def results_table(records: Iterable[RunRecord], n_tasks: int) -> pd.DataFrame:
    """One row per configuration: parameters, final and best losses, time and status."""
    rows = []
    for record in records:
        spec, history = record.configuration.spec, record.history
        row = {
            "Configuration": record.configuration.label,
            "Variant": spec.variant,
            "Shared layers": spec.shared_layers,
            "Total parameters": record.totals.total,
            "Shared parameters": record.totals.shared,
            **_costs(record),
            "Epochs": len(history),
        }
        for split in losses.SPLITS:
            row[f"Final {split} loss"] = losses.final(history, losses.total(split))
            for t in range(n_tasks):
                row[f"Final {split} task {t + 1}"] = losses.final(history, losses.task(split, t))
        best = losses.best_epoch(history)
        row["Best val loss"] = history[losses.total("val")].min() if len(history) else np.nan
        row["Best epoch"] = best if best is not None else pd.NA
        row["Time (s)"] = record.seconds if record.seconds is not None else np.nan
        row["Status"] = record.status
        rows.append(row)
    return pd.DataFrame(rows)


def _costs(record: RunRecord) -> dict[str, float]:
    cost, mb = record.cost, 2**20
    if cost is None:
        return dict.fromkeys(("Forward FLOPs per window", *MB_COLUMNS), np.nan)
    return {
        "Forward FLOPs per window": cost.forward_flops,
        "Activations kept (MB)": cost.activation_bytes(record.batch_size) / mb,
        "Adam state (MB)": cost.optimizer_bytes / mb,
    }
