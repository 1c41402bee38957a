"""One training run on the server's side, and each visitor's handle on it.

Runs are deterministic (same spec, data, settings and seed: the same curves), so visitors who
ask for the same run watch one `Run`: each holds a `JobHandle` and keeps it alive by looking at
it (`touch`, from the page's polls). A run nobody looks at any more, or that every watcher
stopped, is asked to stop (`models.workers.housekeeping`). A handle reads the run's progress
file itself, so every watcher sees every epoch, and a run whose worker died still shows the
epochs it reached.
"""

from __future__ import annotations

import time
from concurrent.futures import CancelledError, Future
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from models.workers import protocol
from models.workers.protocol import ProgressReader
from models.workers.tasks import WorkerEnded
from models.workers.worker import TrainJob

WORKER_DIED = (
    "The training worker stopped unexpectedly (killed or out of memory). "
    "Nothing else was lost: press Train to run again."
)


@dataclass(eq=False)
class Run:
    """One run in a worker, shared by every handle that watches it."""

    job: TrainJob
    folder: Path
    progress: Path  # the losses file: in `folder`, or where the browser can fetch it
    future: Future
    deadline_seconds: float  # from its start: a run still going then is stopped
    watchers: dict[int, float] = field(default_factory=dict)  # handle id -> last seen
    owners: dict[int, object] = field(default_factory=dict)  # handle id -> its visitor
    stop_asked: float | None = None  # when (monotonic) the run was asked to stop
    stop_reason: str = ""
    ended: float | None = None  # when (monotonic) housekeeping saw it end

    def started(self) -> bool:
        return self.started_at() is not None

    def started_at(self) -> float | None:
        """When the worker started it (wall-clock seconds), None while it waits."""
        return protocol.started_at(self.folder)

    def ask_stop(self, reason: str = "", now: float | None = None) -> None:
        """End after the current chunk (a queued run never starts)."""
        if self.stop_asked is None:
            self.stop_asked = time.monotonic() if now is None else now
            self.stop_reason = reason
        self.future.cancel()
        try:
            protocol.ask_stop(self.folder)
        except OSError:  # a full disk: housekeeping ends the worker after the grace period
            pass


class JobHandle:
    """One visitor's view of a run. Kept in that visitor's session state only."""

    def __init__(self, handle_id: int, run: Run, owner: object = None):
        self.id, self.run, self.owner = handle_id, run, owner
        self.left = False  # this visitor stopped following a run others still watch
        self.asked_at = time.time()  # wall clock, as the run's `started_at`: the click
        self._reader = ProgressReader(run.progress)
        self._first_seen: tuple[float, int] | None = None  # (time, epochs) first seen
        run.owners[handle_id] = owner
        self.touch()

    job = property(lambda self: self.run.job)
    folder = property(lambda self: self.run.folder)
    future = property(lambda self: self.run.future)
    progress = property(lambda self: self.run.progress)

    def touch(self) -> None:
        """Say this visitor still looks (the run's lease: see `housekeeping`)."""
        if not self.left:
            self.run.watchers[self.id] = time.monotonic()

    def started(self) -> bool:
        return self.run.started()

    def stop(self) -> None:
        """Stop following; the run itself stops once nobody else follows it."""
        self.left = True
        self.run.watchers.pop(self.id, None)
        if not self.run.watchers:
            self.run.ask_stop("stopped")

    def done(self) -> bool:
        return self.run.future.done() or (self.left and bool(self.run.watchers))

    def rows(self) -> np.ndarray:
        """Every epoch's losses so far: columns epoch, train_total, val_total, per task..."""
        rows = self._reader.rows()
        if len(rows) and self._first_seen is None:
            self._first_seen = (time.time(), len(rows))
        return rows

    def history(self) -> pd.DataFrame:
        """The epochs so far, with the same columns as the finished run's history."""
        rows, columns = self.rows(), self._reader.columns
        return pd.DataFrame(rows.reshape(len(rows), len(columns)), columns=columns)

    def seconds_left(self) -> float | None:
        """Time to finish at the speed seen since the first epochs arrived (None: unknown)."""
        if self._first_seen is None:
            return None
        since, first = self._first_seen
        done = self._reader.epochs - first
        if done <= 0:
            return None
        return (time.time() - since) / done * (self.job.config.epochs - self._reader.epochs)

    def model_bytes(self) -> bytes | None:
        """The trained model as `.keras` file contents; None until a run finished or stopped
        (or once its files were cleared away, a while after it ended)."""
        return protocol.model_bytes(self.folder)

    def model_error(self) -> str | None:
        """Why a finished or stopped run has no model file (None if it has one or is running)."""
        return protocol.model_error(self.folder)

    def outcome(self):
        """(TrainResult, None) or (None, a sentence for the page) once `done()`; whatever the
        outcome, `history()` still holds the epochs the run reached."""
        if self.left and not self.run.future.done():
            return None, (
                "You stopped following this run; it goes on for the other visitors who asked "
                "for exactly the same."
            )
        try:
            return self.run.future.result(), None
        except WorkerEnded as ended:
            return None, _died(ended.reason, self.run.stop_reason)
        except CancelledError:
            return None, _why(self.run.stop_reason, "Stopped before it started.")
        except Exception as error:  # a worker-side failure is shown, never raised in the page
            return None, f"Training failed: {error}"


def _died(reason: str, stop_reason: str) -> str:
    if reason.startswith("the worker stopped"):
        reason = WORKER_DIED
    return _why(stop_reason, reason)


def _why(stop_reason: str, otherwise: str) -> str:
    """Why the service stopped the run (a lease, a deadline), else `otherwise`: a visitor's own
    Stop ("stopped") says nothing more."""
    return stop_reason if stop_reason and stop_reason != "stopped" else otherwise
