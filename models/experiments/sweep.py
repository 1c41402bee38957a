"""The guided comparison: model 1 against nothing shared as the tasks' relatedness goes 0 -> 1.

Every point is trained on several seeds (data and weights both follow the seed), and the page
reads only what the seeds agree on: a win or a loss at a relatedness is claimed only where the
mean gap (shared − none, best validation loss) lies further from zero than the spread of the
per-seed gaps, i.e. every seed's gap has the same sign. The settings below were chosen by
`benchmarks/sweep_truth.py` (figures in README): with them the lesson holds for every seed set
tried, and the whole sweep fits in the page's time goal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from models.architectures.presets import MODEL_1, NOTHING_SHARED
from models.data.toy_data import DataSpec
from models.experiments.configurations import Configuration, preset_configuration
from models.spec import ModelSpec
from models.training import history as losses
from models.training.engine import TrainConfig
from models.workers.jobs import TrainJob

# Points where every seed set tried gives one verdict (benchmarks/sweep_truth.py, README):
# near the crossover (0.5 and 0.75 here) the verdict depends on the seeds, so no point sits there.
SWEEP_RELATEDNESS = (0.0, 0.25, 1.0)
SWEEP_SEEDS = 3  # seeds s, s + 1, s + 2 from the sidebar's seed s
# The sweep's own toy data: noisy enough that one trunk fed four noisy copies of a signal
# beats four separate networks on every seed measured, enough windows that neither just
# memorises, and a large validation set, so that a run's best epoch is not a lucky dip of a
# noisy curve. Relatedness and seed vary per run; every other data setting is fixed here.
SWEEP_DATA = DataSpec(samples=400, val_samples=1000, noise=1.0)
SWEEP_EPOCHS = 30  # past every measured run's best epoch on SWEEP_DATA (at most 26, 180 runs)
SWEEP_BATCH = 64  # half the steps of the sidebar's 32: the sweep fits its time goal
SWEEP_LABELS = ("Model 1: everything shared", "Nothing shared")
GAP = "Shared − none"
BEST = "Best val loss"
WIN, LOSS, WITHIN, TOO_FEW = "sharing won", "sharing lost", "within the spread", "too few seeds"


@dataclass(frozen=True)
class SweepPoint:
    """One run of the sweep: a configuration at one relatedness, on one seed."""

    relatedness: float
    seed: int
    configuration: Configuration
    job: TrainJob


def sweep_configurations(sizes: ModelSpec) -> list[Configuration]:
    """Model 1 (hard, every layer shared) and nothing shared (hard, k = 0) on `sizes`."""
    return [
        preset_configuration(MODEL_1, sizes, SWEEP_LABELS[0]),
        preset_configuration(NOTHING_SHARED, sizes, SWEEP_LABELS[1]),
    ]


def sweep_seeds(first: int, count: int = SWEEP_SEEDS) -> tuple[int, ...]:
    """The seeds of one sweep: `first` and the next ones (ending at the largest seed allowed,
    2**31 - 1, when `first` is too close to it)."""
    start = min(first, 2**31 - count)
    return tuple(range(start, start + count))


def sweep_plan(
    sizes: ModelSpec,
    train_config: TrainConfig,
    values: Sequence[float] = SWEEP_RELATEDNESS,
    seeds: Sequence[int] | None = None,
    epochs: int = SWEEP_EPOCHS,
    data: DataSpec = SWEEP_DATA,
    batch_size: int = SWEEP_BATCH,
) -> list[SweepPoint]:
    """Both sweep configurations at every relatedness and seed, on the sweep's own data.

    From `train_config` only the learning rate and, by default, the first seed are kept.
    Conflict is not tracked: the sweep never shows it, and on 30 epochs it would be measured
    after every one of them.
    """
    seeds = sweep_seeds(train_config.seed) if seeds is None else seeds
    config = replace(train_config, epochs=epochs, batch_size=batch_size, track_conflict=False)
    return [
        SweepPoint(
            r,
            seed,
            c,
            TrainJob(c.spec, replace(data, relatedness=r, seed=seed), replace(config, seed=seed)),
        )
        for r in values
        for seed in seeds
        for c in sweep_configurations(sizes)
    ]


def sweep_table(points: Sequence[SweepPoint], histories: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Long table, one row per run: relatedness, seed, configuration, best and final validation
    loss (NaN for a run that did not train all its epochs: no half-run points)."""
    rows = []
    for point, history in zip(points, histories, strict=True):
        complete = len(history) >= point.job.config.epochs
        val = history[losses.total("val")] if complete else pd.Series([np.nan])
        rows.append(
            {
                "Relatedness": point.relatedness,
                "Seed": point.seed,
                "Configuration": point.configuration.label,
                BEST: float(val.min()),
                "Final val loss": float(val.iloc[-1]),
                "Epochs": len(history),
            }
        )
    return pd.DataFrame(rows)


def sweep_summary(table: pd.DataFrame) -> pd.DataFrame:
    """One row per relatedness over the seeds where both configurations finished: each
    configuration's mean best validation loss with its min and max, the gap shared − none
    (mean, min, max of the per-seed gaps), the number of seeds and the verdict."""
    labels = list(SWEEP_LABELS)
    wide = table.pivot_table(
        index=["Relatedness", "Seed"], columns="Configuration", values=BEST, dropna=False
    ).reindex(columns=labels)
    wide = wide.dropna()  # a seed counts only where both runs finished
    wide[GAP] = wide[labels[0]] - wide[labels[1]]
    by_r = wide.groupby(level="Relatedness")
    summary = pd.DataFrame({"Seeds": by_r.size()})
    for column in (*labels, GAP):
        summary[column] = by_r[column].mean()
        summary[f"{column} min"] = by_r[column].min()
        summary[f"{column} max"] = by_r[column].max()
    spread = summary[["Seeds", f"{GAP} min", f"{GAP} max"]].itertuples(index=False)
    summary["Verdict"] = [verdict(int(n), low, high) for n, low, high in spread]
    return summary.reset_index()


def verdict(seeds: int, gap_min: float, gap_max: float) -> str:
    """Win or loss only where the mean gap exceeds its spread: every seed's gap on one side of
    zero (the mean lies further from zero than any seed reaches towards it)."""
    if seeds < 2:
        return TOO_FEW  # one seed has no spread to measure a gap against
    if gap_max < 0:
        return WIN
    if gap_min > 0:
        return LOSS
    return WITHIN


def sweep_reading(summary: pd.DataFrame) -> str:
    """What this sweep's numbers show, in one sentence (computed, never assumed)."""
    if summary.empty:
        return "No finished runs to compare yet."
    rows = summary.set_index("Relatedness")
    seeds = int(rows["Seeds"].max())
    claims = [  # in order of relatedness: "lost at 0 and 0.25, and won at 1"
        (group.index[0], f"{word} at {_points(group)}")
        for kind, word in ((WIN, "won"), (LOSS, "lost"))
        if not (group := rows[rows["Verdict"] == kind]).empty
    ]
    within, few = rows[rows["Verdict"] == WITHIN], rows[rows["Verdict"] == TOO_FEW]
    head = f"Over {seeds} seed{'s' * (seeds != 1)} (mean best validation loss), sharing every "
    said = ", and ".join(text for _, text in sorted(claims))
    head += "layer " + (said or "neither clearly won nor clearly lost")
    if not within.empty:
        head += f"; at {_points(within)} the gap is within the spread across seeds"
    if not few.empty:
        head += f"; at relatedness {_join([f'{r:g}' for r in few.index])} too few seeds finished "
        head += "to tell"
    return f"{head}; {_trend(rows)}."


def _trend(rows: pd.DataFrame) -> str:
    """How the mean gap moves from the least to the most related tasks, as numbers."""
    if len(rows) < 2:
        return "one relatedness shows no trend"
    (low, first), (high, last) = rows[GAP].iloc[[0, -1]].items()
    return f"the mean gap goes from {_signed(first)} at {low:g} to {_signed(last)} at {high:g}"


def _points(rows: pd.DataFrame) -> str:
    """Relatedness values, each with its mean gap and per-seed range:
    "relatedness 0 (+0.185; seeds +0.146 to +0.332) and 0.25 (…)"."""
    return "relatedness " + _join(
        [
            f"{r:g} ({_signed(row[GAP])}; seeds {_signed(row[f'{GAP} min'])} to "
            f"{_signed(row[f'{GAP} max'])})"
            for r, row in rows.iterrows()
        ]
    )


def _join(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return " and ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else items[0]


def _signed(value: float) -> str:
    return f"{value:+.3f}".replace("-", "−")
