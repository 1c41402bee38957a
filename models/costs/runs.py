"""A training request's cost and whether this host takes it: the one check every door into
the workers goes through (Train, Compare, the sweep, compiling ahead).

A request is refused before any work with one sentence that names what is too big and what to
lower (`budget.refusal`); a run that is taken gets a deadline from the same budget, and its
worker may grow by the budget's memory per run (`models.workers.housekeeping`,
`models.workers.pool`).
"""

from __future__ import annotations

from collections.abc import Sequence

from models.costs.budget import Budget, refusal
from models.costs.estimate import RunCost, estimate_run
from models.data.toy_data import DataSpec
from models.workers.worker import TrainJob

# A run is stopped once it has taken this many times the host's time per run (an estimate is
# within ~×2 of the measured time: benchmarks/cost_calibration.py), plus a compile's worth.
DEADLINE_FACTOR = 2.0
DEADLINE_EXTRA_SECONDS = 30.0


def windows(data) -> tuple[int, int]:
    """(training windows, validation windows) of a run's data, without making them."""
    if isinstance(data, DataSpec):
        return data.samples, data.val_samples
    return len(data.dataset.x_train), len(data.dataset.x_val)


def cost_of(job: TrainJob) -> RunCost:
    """What `job` costs: time, memory and arithmetic (SpecError if it cannot be built)."""
    train, val = windows(job.data)
    config = job.config
    return estimate_run(
        job.spec,
        train,
        val,
        config.epochs,
        config.batch_size,
        config.track_conflict,
        config.method,
    )


def seconds_of(job: TrainJob) -> float:
    """A run's expected seconds once compiled (for places in the queue)."""
    return cost_of(job).train_seconds


def refused(jobs: Sequence[TrainJob], budget: Budget, labels: Sequence[str] = ()) -> str | None:
    """Why this host will not run `jobs` (the first too big, named by its label), or None."""
    for i, job in enumerate(jobs):
        if (why := refusal(cost_of(job), budget)) is not None:
            return f"{labels[i]}: {why}" if i < len(labels) and labels[i] else why
    return None


def deadline_seconds(budget: Budget) -> float:
    """How long any run may go on from its start before it is stopped."""
    return budget.max_run_seconds * DEADLINE_FACTOR + DEADLINE_EXTRA_SECONDS
