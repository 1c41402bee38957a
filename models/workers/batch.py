"""A batch of training jobs that one browser session started together: submit, watch, stop,
collect. The Train tab is a batch of one; Compare and the relatedness sweep are larger ones.

Plain Python: the page keeps a `Batch` in its session state and only draws what it reports.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent import futures
from dataclasses import dataclass, field

import pandas as pd

from models.architectures.variants import VARIANTS
from models.training.engine import TrainResult
from models.training.history import empty
from models.workers.jobs import Busy, JobHandle, TrainingService, TrainJob


@dataclass(frozen=True)
class RunStatus:
    """How one job ended: the engine's status (finished, stopped, diverged) or an error."""

    status: str
    seconds: float | None  # None when the job never ran (an error, or cancelled while queued)
    message: str = ""  # the engine's sentence (a diverged run's hint), or the error itself

    @property
    def finished(self) -> bool:
        return self.status == "finished"


@dataclass(frozen=True)
class Progress:
    """Where one job is, for a progress bar: `stage` is queued, starting, compiling, running
    or ended; `ahead` counts jobs queued before it; `seconds_left` is an estimate or None."""

    label: str
    stage: str
    done: int
    total: int
    ahead: int = 0
    seconds_left: float | None = None

    @property
    def fraction(self) -> float:
        return min(self.done / self.total, 1.0) if self.total else 0.0


@dataclass(frozen=True)
class Waited:
    """What the person waited for one job, from the click to its outcome (`total`, seconds):
    `worker`, for a training worker to take it (queued, or one starting after a cold start),
    and `training`, the run in the worker, which includes compiling the model if `compiled`."""

    total: float
    worker: float
    training: float
    compiled: bool


@dataclass
class Batch:
    """Jobs submitted together, each standing for one item (a configuration, a sweep point)."""

    items: list
    handles: list[JobHandle]
    colours: dict = field(default_factory=dict)  # item key -> line colour, for the charts
    outcomes: list[tuple[TrainResult | None, str | None]] | None = None  # once all ended
    collected_at: float | None = None  # wall clock, when the outcomes were collected

    @classmethod
    def start(
        cls,
        service: TrainingService,
        items: Sequence,
        jobs: Sequence[TrainJob],
        colours=None,
        owner: object = None,
        deadline_seconds: float | None = None,
    ) -> Batch:
        """Queue one job per item for `owner` (a visitor), the largest models first: with
        several workers the long runs start at once and the short ones fill in, so the batch
        ends sooner. Raises `Busy` (nothing queued) if the owner has runs going already or the
        queue is full."""
        if owner is not None and (going := service.going_for(owner)):
            raise Busy(
                f"You have {going} run{'s' * (going > 1)} going already (one batch at a time "
                "per visitor): stop it, or wait for it to finish."
            )
        handles: list = [None] * len(jobs)
        try:
            for i in sorted(range(len(jobs)), key=lambda i: -_size(jobs[i].spec)):  # stable
                handles[i] = service.submit(jobs[i], owner, deadline_seconds)
        except Busy:
            for handle in filter(None, handles):
                handle.stop()
            raise
        return cls(list(items), handles, dict(colours or {}))

    @property
    def running(self) -> bool:
        """Its outcomes are not collected yet (some job may still be queued or running)."""
        return self.outcomes is None

    def stop(self) -> None:
        """Ask every unfinished job to stop (a queued one is cancelled)."""
        for handle in self.handles:
            if not handle.done():
                handle.stop()

    def wait(self, seconds: float) -> None:
        """Block up to `seconds` for every job to end (the browser saw each one's last epoch)."""
        futures.wait([h.future for h in self.handles], timeout=seconds)

    def collect_if_done(self) -> bool:
        """Keep every job's outcome once all have ended; True when that just happened."""
        if self.outcomes is not None or not all(h.done() for h in self.handles):
            return False
        self.outcomes = [h.outcome() for h in self.handles]
        self.collected_at = time.time()
        return True

    def waited(self, index: int) -> Waited | None:
        """What the person waited for job `index`, split (None: not known, or the run was
        already going or done when they asked, so its own figures are not their wait)."""
        result = self.results()[index]
        handle = self.handles[index]
        started = handle.run.started_at()
        if result is None or started is None or self.collected_at is None:
            return None
        if started < handle.asked_at:
            return None
        total = self.collected_at - handle.asked_at
        worker = started - handle.asked_at
        return Waited(max(total, worker + result.seconds), worker, result.seconds, result.traced)

    def results(self) -> list[TrainResult | None]:
        """Each job's result (None for a job that failed or while the batch runs)."""
        return [result for result, _ in self.outcomes or [(None, None)] * len(self.handles)]

    def histories(self, finished_only: bool = False) -> list[pd.DataFrame]:
        """Each job's losses: the finished history when there is one, else the epochs so far
        (with `finished_only`, no epochs at all for a job still going: no half-run points)."""
        histories = []
        for handle, result in zip(self.handles, self.results(), strict=True):
            if result is not None:
                histories.append(result.history)
                continue
            so_far = handle.history()
            histories.append(empty(so_far) if finished_only and not handle.done() else so_far)
        return histories

    def statuses(self) -> list[RunStatus]:
        """How each job ended (once collected)."""
        return [
            RunStatus(result.status, result.seconds, result.message)
            if result is not None
            else RunStatus(error or "not run", None, error or "")
            for result, error in self.outcomes or []
        ]

    def touch(self) -> None:
        """Say its visitor still looks: runs nobody looks at are stopped (see `housekeeping`)."""
        for handle in self.handles:
            handle.touch()

    def progress(
        self, service: TrainingService, labels: Sequence[str], done_counts: Sequence[int] = ()
    ) -> list[Progress]:
        """One `Progress` per job (asking for it counts as a look: `touch`); `done_counts`:
        epochs per job if the caller just read them."""
        self.touch()
        reports = []
        for i, (label, handle) in enumerate(zip(labels, self.handles, strict=True)):
            done = done_counts[i] if done_counts else len(handle.rows())
            total = handle.job.config.epochs
            if handle.done():
                reports.append(Progress(label, "ended", done, total))
            elif not handle.started():
                ahead = service.queue_position(handle)
                wait = service.wait_seconds(ahead)
                stage = "queued" if ahead else "starting"
                reports.append(Progress(label, stage, 0, total, ahead, seconds_left=wait))
            elif done == 0:
                reports.append(Progress(label, "compiling", 0, total))
            else:
                left = handle.seconds_left()
                reports.append(Progress(label, "running", done, total, seconds_left=left))
        return reports


def _size(spec) -> int:
    """A run's expected length, as its parameter count (the variants' exact formulas)."""
    return VARIANTS[spec.variant].count_params(spec)
