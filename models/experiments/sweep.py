"""The guided comparison: model 1 against nothing shared as the tasks' relatedness goes 0 -> 1."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from models.architectures.presets import MODEL_1, NOTHING_SHARED
from models.experiments.configurations import Configuration, preset_configuration
from models.spec import ModelSpec
from models.training import history as losses
from models.training.jobs import TrainJob
from models.training.toy_data import DataSpec

SWEEP_RELATEDNESS = (0.0, 0.25, 0.5, 0.75, 1.0)
# 10 runs of the question's sizes take ~21-25 s on one worker (benchmarks/compare_sweep.py).
SWEEP_EPOCHS = 150
SWEEP_LABELS = ("Model 1: everything shared", "Nothing shared")
TIE_FRACTION = 0.02  # a final-loss gap under 2 % of the losses is a tie in the sweep's reading


@dataclass(frozen=True)
class SweepPoint:
    """One run of the sweep: a configuration at one relatedness."""

    relatedness: float
    configuration: Configuration
    job: TrainJob


def sweep_configurations(sizes: ModelSpec) -> list[Configuration]:
    """Model 1 (hard, every layer shared) and nothing shared (hard, k = 0) on `sizes`."""
    return [
        preset_configuration(MODEL_1, sizes, SWEEP_LABELS[0]),
        preset_configuration(NOTHING_SHARED, sizes, SWEEP_LABELS[1]),
    ]


def sweep_plan(
    sizes: ModelSpec,
    data_spec: DataSpec,
    train_config,
    values: Sequence[float] = SWEEP_RELATEDNESS,
    epochs: int = SWEEP_EPOCHS,
) -> list[SweepPoint]:
    """Both sweep configurations at every relatedness: same seed, sizes and settings otherwise."""
    config = replace(train_config, epochs=epochs)
    configs = sweep_configurations(sizes)
    return [
        SweepPoint(r, c, TrainJob(c.spec, replace(data_spec, relatedness=r), config))
        for r in values
        for c in configs
    ]


def sweep_table(points: Sequence[SweepPoint], histories: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Long table: relatedness, configuration, final and best validation loss per sweep run."""
    rows = []
    for point, history in zip(points, histories, strict=True):
        done = len(history) > 0
        rows.append(
            {
                "Relatedness": point.relatedness,
                "Configuration": point.configuration.label,
                "Final val loss": losses.final(history, losses.total("val")),
                "Best val loss": history[losses.total("val")].min() if done else np.nan,
                "Epochs": len(history),
            }
        )
    return pd.DataFrame(rows)


def sweep_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Wide table: final validation loss per configuration by relatedness, and shared − none."""
    labels = list(SWEEP_LABELS)
    wide = table.pivot(index="Relatedness", columns="Configuration", values="Final val loss")
    wide = wide.reindex(columns=labels)
    wide["Shared − none"] = wide[labels[0]] - wide[labels[1]]
    return wide.reset_index()


def sweep_reading(summary: pd.DataFrame) -> str:
    """What this sweep's numbers show, in one sentence (computed, never assumed).

    A gap within TIE_FRACTION of the two losses' mean is a tie, not a win: one seed's noise.
    """
    gap = summary.dropna(subset=["Shared − none"])
    if gap.empty:
        return "No finished runs to compare yet."
    diff = gap["Shared − none"]
    tied_mask = diff.abs() <= TIE_FRACTION * gap[list(SWEEP_LABELS)].mean(axis=1)
    helped = gap.loc[~tied_mask & (diff < 0), "Relatedness"].tolist()
    hurt = gap.loc[~tied_mask & (diff > 0), "Relatedness"].tolist()
    tied = gap.loc[tied_mask, "Relatedness"].tolist()
    tie_note = f" (a tie within {TIE_FRACTION:.0%} at {_values(tied)})" if tied else ""
    low, high = gap.iloc[0], gap.iloc[-1]
    trend = (
        "the gap narrows as the tasks become more related"
        if high["Shared − none"] < low["Shared − none"]
        else "the gap does not narrow as the tasks become more related"
    )
    if not helped:
        return f"In this run sharing never beat no sharing{tie_note}; {trend}."
    if not hurt:
        return f"In this run sharing never lost to no sharing{tie_note}; {trend}."
    where = _values(helped)
    return (
        f"In this run sharing won at relatedness {where} and lost at {_values(hurt)}"
        f"{tie_note}; {trend}."
    )


def _values(values: list[float]) -> str:
    return ", ".join(f"{v:g}" for v in values)
