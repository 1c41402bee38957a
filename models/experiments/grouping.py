"""The runs that test which tasks should share: the grouping oracle, and a proposed tree beside
the model it came from (predictions: `models.experiments.affinity_groups`).

The oracle (Standley et al., 2020) trains every grouping
(each group its own network: the branched variant at k = 0) on the same data and seeds and
ranks them by validation loss; a grouping is called better or worse only where every seed
agrees, as the relatedness sweep does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from models.architectures.groups import (
    Groups,
    bell,
    describe,
    labels_of,
    partitions,
    singletons,
)
from models.architectures.variants import validate
from models.data.toy_data import DataSpec
from models.experiments.affinity_groups import ranked_by_affinity
from models.experiments.configurations import Configuration
from models.experiments.sweep import sweep_seeds
from models.settings import METHOD
from models.spec import ModelSpec
from models.training import history as losses
from models.training.conflict_report import affinity_matrix
from models.training.engine import TrainConfig
from models.workers.jobs import TrainJob

GROUPING_SEEDS = 3  # seeds s, s + 1, s + 2 from the sidebar's seed s
GROUPING_EPOCHS = 30  # each run counts its best epoch, as the sweep's do
GROUPING_BATCH = 64
# Toy data: at most this many training windows (the sweep's count), so 45 runs fit a few
# minutes of a 2-core host; a person's CSV is used as it is.
GROUPING_WINDOWS = 400
# 4 tasks have 15 groupings: 45 runs on 3 seeds. 5 tasks have 52 (156 runs): past that the
# oracle trains the groupings the affinity scores best, with the two extremes.
MAX_GROUPINGS = 15
BEST = "Best val loss"


@dataclass(frozen=True)
class GroupingRun:
    """One run of a grouping test: a configuration on one seed."""

    configuration: Configuration
    groups: Groups
    seed: int
    job: TrainJob


def grouping_label(groups: Groups) -> str:
    if len(groups) == 1:
        return "one group (one trunk)"
    if all(len(g) == 1 for g in groups):
        return "every task alone"
    return describe(groups)


def oracle_groupings(n_tasks: int, affinity: np.ndarray | None) -> tuple[list[Groups], str]:
    """The groupings the oracle trains and how they were chosen: all of them when few enough,
    else the affinity's best-scoring ones with the two extremes ([] when there is no affinity
    to choose by)."""
    count = bell(n_tasks)
    if count <= MAX_GROUPINGS:
        return list(partitions(n_tasks)), f"all {count} groupings of the {n_tasks} tasks"
    if affinity is None or len(affinity) != n_tasks:
        return [], (
            f"{n_tasks} tasks have {count:,} groupings, more than the {MAX_GROUPINGS} this "
            "host trains: train once on the Train tab (it measures the tasks' affinity), and the "
            "oracle trains the groupings the affinity scores best."
        )
    extremes = [((tuple(range(n_tasks)),)), singletons(n_tasks)]
    best = [g for g, _ in ranked_by_affinity(affinity) if g not in extremes]
    chosen = best[: MAX_GROUPINGS - 2] + extremes
    return chosen, (
        f"{n_tasks} tasks have {count:,} groupings: the {len(chosen) - 2} the last run's "
        "affinity scores best, one trunk and every task alone"
    )


def _seeded(data, seed: int):
    """The data on `seed`: toy data follows it (as in the sweep), with at most
    GROUPING_WINDOWS windows; a CSV stays itself."""
    if not isinstance(data, DataSpec):
        return data
    return replace(data, seed=seed, samples=min(data.samples, GROUPING_WINDOWS))


def grouping_runs(
    configurations: Sequence[tuple[Configuration, Groups]],
    data,
    train_config: TrainConfig,
    probe: ModelSpec | None = None,
) -> list[GroupingRun]:
    """Every configuration on each of the seeds, on `data`, with the grouping test's epochs and
    batch (the learning rate and first seed are the sidebar's). The run of `probe` (if given)
    on the first seed measures the tasks' affinity; no other run tracks conflict."""
    seeds = sweep_seeds(train_config.seed, GROUPING_SEEDS)
    base = replace(
        train_config, epochs=GROUPING_EPOCHS, batch_size=GROUPING_BATCH, track_conflict=False
    )
    runs = []
    for seed in seeds:
        for config, groups in configurations:
            tracked = probe is not None and config.spec == probe and seed == seeds[0]
            job_config = replace(base, seed=seed, track_conflict=tracked)
            job = TrainJob(config.spec, _seeded(data, seed), job_config)
            runs.append(GroupingRun(config, groups, seed, job))
    return runs


def oracle_configurations(sizes: ModelSpec, groupings: Sequence[Groups]) -> list:
    """Each grouping as the branched variant at k = 0 on `sizes`: each group its own network."""
    return [
        (
            Configuration(
                grouping_label(g),
                validate(
                    sizes.replace(
                        variant="branched", shared_layers=0, task_groups=labels_of(g), frozen=()
                    )
                ),
            ),
            g,
        )
        for g in groupings
    ]


def one_trunk(configurations: Sequence[tuple[Configuration, Groups]]) -> ModelSpec | None:
    """The spec whose tasks all share one group: where the oracle measures the affinity."""
    return next((c.spec for c, g in configurations if len(g) == 1), None)


def ranking(runs: Sequence[GroupingRun], histories: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """One row per configuration over the seeds that finished all its epochs: mean best
    validation loss with its min and max, its rank, and how it stands against the best: behind
    it on every seed, or within the spread."""
    rows = []
    for run, history in zip(runs, histories, strict=True):
        complete = len(history) >= run.job.config.epochs
        best = float(history[losses.total("val")].min()) if complete else np.nan
        rows.append({"Configuration": run.configuration.label, "Seed": run.seed, BEST: best})
    order = list(dict.fromkeys(run.configuration.label for run in runs))
    wide = (
        pd.DataFrame(rows)
        .pivot_table(index="Seed", columns="Configuration", values=BEST, dropna=False)
        .reindex(columns=order)
    )
    spread = {"Seeds": wide.notna().sum(), "Mean": wide.mean(), "Min": wide.min()}
    table = pd.DataFrame(spread | {"Max": wide.max()}).dropna(subset=["Mean"]).sort_values("Mean")
    table.insert(0, "Rank", range(1, len(table) + 1))
    if not table.empty:
        leader = table.index[0]
        gaps = wide.sub(wide[leader], axis=0)
        table["Against the best"] = [
            "best" if name == leader else _standing(gaps[name].dropna()) for name in table.index
        ]
    return table.rename_axis("Configuration").reset_index()


def _standing(gaps: pd.Series) -> str:
    """Behind the best only if every seed says so; one seed has no spread to judge by."""
    if len(gaps) < 2:
        return "too few seeds"
    return "behind on every seed" if (gaps > 0).all() else "within the spread"


def measured_affinity(
    runs: Sequence[GroupingRun], histories: Sequence[pd.DataFrame], n_tasks: int
) -> np.ndarray | None:
    """The task affinity the tracked run measured (None until it has, or if it could not)."""
    for run, history in zip(runs, histories, strict=True):
        if run.job.config.track_conflict and len(history):
            matrix = affinity_matrix(history, n_tasks)
            if matrix is not None and np.isfinite(matrix).all():
                return matrix
    return None


def oracle_reading(table: pd.DataFrame, marked: str | None = None, kind: str = "oracle") -> str:
    """The ranking's answer in words, and where `marked` (the affinity's prediction, a
    trial's proposed tree, or PCGrad beside the sum) landed in it."""
    if table.empty:
        return "No configuration finished on any seed yet."
    top = table.iloc[0]
    tied = table[table["Against the best"] == "within the spread"]
    behind = table[table["Against the best"] == "behind on every seed"]
    seeds = int(table["Seeds"].max())
    text = (
        f"Best over {seeds} seed{'s' * (seeds != 1)}: {top['Configuration']} (mean best "
        f"validation loss {top['Mean']:.3f}, seeds {top['Min']:.3f} to {top['Max']:.3f})."
    )
    if len(tied):
        many = len(tied) > 1
        text += (
            f" {len(tied)} other{'s are' if many else ' is'} within its spread (some seed puts "
            f"{'them' if many else 'it'} ahead or level), "
        )
    else:
        text += " "
    text += f"{len(behind)} behind it on every seed."
    if kind == "methods":  # every method against the baseline, not only the marked one
        others = table[table["Configuration"] != METHOD_LABELS["sum"]]
        return text + "".join(
            f" {row['Configuration']}: {_where(row, len(table))}." for _, row in others.iterrows()
        )
    match = table[table["Configuration"] == marked] if marked else table.iloc[0:0]
    if not match.empty:
        where = _where(match.iloc[0], len(table))
        if kind == "trial":
            text += f" The proposed tree: {where}."
        else:
            text += f" The affinity measured in the one-trunk run predicted {marked}: {where}."
    return text


def _where(row, n: int) -> str:
    """A ranking row's place: "rank 2 of 15, within the spread"."""
    standing = row["Against the best"]
    return f"rank {int(row['Rank'])} of {n}" + ("" if standing == "best" else f", {standing}")


# Each of the settings' methods as Compare names it (a method the settings add needs its name).
METHOD_LABELS = {
    "sum": "Sum of the tasks' gradients (baseline)",
    "pcgrad": "PCGrad",
    "uncertainty": "Uncertainty weighting",
}


def method_runs(spec: ModelSpec, data, train_config: TrainConfig) -> list[GroupingRun]:
    """`spec` trained by every way of combining the tasks' gradients, the plain sum always
    among them, on the grouping test's seeds, epochs and batch (Kurin et al., 2022: a tuned
    sum often matches gradient surgery, so the baseline is never left out)."""
    runs = []
    for method in METHOD.choices:
        config = replace(train_config, method=method)
        runs += grouping_runs([(Configuration(METHOD_LABELS[method], spec), ())], data, config)
    return sorted(runs, key=lambda run: run.seed)
