"""Comparing configurations trained on the same data and seed, and the guided relatedness sweep.

Pure Python + pandas: the configuration type, the jobs to submit, the results table assembled
from histories and parameter totals, and the sweep's plan and result tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from models.analysis.palette import OKABE_ITO
from models.analysis.records import Totals
from models.architectures.presets import MODEL_1, MODEL_2, NOTHING_SHARED, Preset
from models.architectures.variants import VARIANTS, clamp_k, validate
from models.spec import ModelSpec, SpecError
from models.training.jobs import TrainJob
from models.training.toy_data import DataSpec

MAX_CONFIGURATIONS = 6
SWEEP_RELATEDNESS = (0.0, 0.25, 0.5, 0.75, 1.0)
# 10 runs of the question's sizes take ~21-25 s on one worker (benchmarks/compare_sweep.py).
SWEEP_EPOCHS = 150
SWEEP_LABELS = ("Model 1: everything shared", "Nothing shared")
TIE_FRACTION = 0.02  # a final-loss gap under 2 % of the losses is a tie in the sweep's reading
# Yellow last: it is the palette's weakest colour for a thin line on a white page, and with
# at most MAX_CONFIGURATIONS (< 7) lines at once it is never needed.
LINE_COLOURS = tuple(c for c in OKABE_ITO if c != "#F0E442") + ("#F0E442",)


@dataclass(frozen=True)
class Configuration:
    """One model to compare: a label for people and the spec that builds it."""

    label: str
    spec: ModelSpec


def short_name(spec: ModelSpec) -> str:
    """`variant, k = n` — a label for a spec that has no better name."""
    return f"{spec.variant}, k = {spec.shared_layers}"


def on_sizes(variant: str, shared_layers: int, sizes: ModelSpec) -> ModelSpec:
    """`sizes` with this variant and k (clipped to what the sizes allow); SpecError if invalid."""
    if variant not in VARIANTS:
        raise SpecError(f"Unknown variant {variant!r}; choose one of {', '.join(VARIANTS)}.")
    probe = sizes.replace(variant=variant)
    VARIANTS[variant].check(probe)
    return validate(clamp_k(probe.replace(shared_layers=shared_layers)))


def configuration(
    variant: str, shared_layers: int, sizes: ModelSpec, label: str | None = None
) -> Configuration:
    """A configuration on `sizes`; the label defaults to `variant, k = n`."""
    spec = on_sizes(variant, shared_layers, sizes)
    return Configuration(label or short_name(spec), spec)


def preset_configuration(preset: Preset, sizes: ModelSpec, label: str = "") -> Configuration:
    """A preset on `sizes`, labelled with its name (or `label`); SpecError if it cannot be."""
    return Configuration(label or preset.label, preset.on(sizes))


def default_configurations(sizes: ModelSpec) -> list[Configuration]:
    """The question's two models and the no-sharing baseline, on `sizes` (skipping any invalid)."""
    chosen = []
    for preset in (MODEL_1, NOTHING_SHARED, MODEL_2):
        try:
            chosen.append(preset_configuration(preset, sizes))
        except SpecError:
            continue
    return chosen


def resize(configs: Iterable[Configuration], sizes: ModelSpec) -> tuple[list[Configuration], list]:
    """Every configuration moved onto `sizes`, duplicates dropped; messages for dropped ones."""
    kept, messages, seen = [], [], set()
    for config in configs:
        try:
            spec = on_sizes(config.spec.variant, config.spec.shared_layers, sizes)
        except SpecError as error:
            messages.append(f"{config.label} left out: {error}")
            continue
        if spec not in seen:
            seen.add(spec)
            kept.append(Configuration(config.label, spec))
    return kept, messages


def add(configs: Sequence[Configuration], new: Configuration) -> tuple[list, str | None]:
    """`configs` plus `new`, or unchanged with a message if it is already there or at the cap."""
    if any(c.spec == new.spec for c in configs):
        return list(configs), f"{short_name(new.spec)} is already in the comparison."
    if len(configs) >= MAX_CONFIGURATIONS:
        return list(configs), (
            f"At most {MAX_CONFIGURATIONS} configurations at once: remove one to add another."
        )
    return [*configs, new], None


def colours_for(
    specs: Iterable[ModelSpec], previous: Mapping[ModelSpec, str]
) -> dict[ModelSpec, str]:
    """A line colour per spec: a spec keeps its previous colour, a new one the first free one."""
    specs = list(specs)
    colours = {s: previous[s] for s in specs if s in previous}
    for spec in specs:
        if spec not in colours:
            used = set(colours.values())
            free = [c for c in LINE_COLOURS if c not in used] or list(LINE_COLOURS)
            colours[spec] = free[0]
    return colours


def build_jobs(configs: Iterable[Configuration], data: object, train_config) -> list[TrainJob]:
    """One job per configuration, all on the same data (a `DataSpec` or uploaded `OwnData`)
    and training settings (so the same seed)."""
    return [TrainJob(c.spec, data, train_config) for c in configs]


@dataclass(frozen=True, eq=False)
class RunRecord:
    """One configuration's run as the results table needs it."""

    configuration: Configuration
    totals: Totals
    history: pd.DataFrame  # models.training history columns; may be empty
    status: str  # finished, stopped, diverged, or an error message
    seconds: float | None


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
            "Epochs": len(history),
        }
        last = history.iloc[-1] if len(history) else None
        for split in ("train", "val"):
            row[f"Final {split} loss"] = last[f"{split}_total"] if last is not None else np.nan
            for t in range(n_tasks):
                column = f"{split}_task{t + 1}"
                row[f"Final {split} task {t + 1}"] = last[column] if last is not None else np.nan
        best = history["val_total"].idxmin() if len(history) else None
        row["Best val loss"] = history.at[best, "val_total"] if best is not None else np.nan
        row["Best epoch"] = int(history.at[best, "epoch"]) if best is not None else pd.NA
        row["Time (s)"] = record.seconds if record.seconds is not None else np.nan
        row["Status"] = record.status
        rows.append(row)
    return pd.DataFrame(rows)


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
                "Final val loss": history["val_total"].iloc[-1] if done else np.nan,
                "Best val loss": history["val_total"].min() if done else np.nan,
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
