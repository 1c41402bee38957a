"""Training in worker processes: the Streamlit server never trains.

A compiled spec holds ~55 MB of TensorFlow graphs while a process keeps it, and importing
TensorFlow costs ~700 MB, so the server never trains: every run goes to a warm worker of
`models.training.pool.WorkerPool`. A job goes where its spec is compiled
(`models.training.placement`), the page asks idle workers to compile what it shows
(`prepare`), and a worker that has grown is replaced while another serves. A job streams its
losses to a small file, one CSV line per epoch (in its own folder, or under `live_root` where
the page's browser fetches it), and stops when a `stop` file appears in its folder: plain files
survive a worker that dies mid-run. A run that finishes or is stopped also leaves its trained
model there as `model.keras`.
"""

from __future__ import annotations

import itertools
import os
import secrets
import shutil
import tempfile
import threading
import time
from concurrent.futures import CancelledError, Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from models.architectures.presets import COMPARE_DEFAULTS
from models.spec import ModelSpec
from models.training.compiled import CACHE_SIZE
from models.training.live_files import live_folder
from models.training.pool import WorkerPool
from models.training.sizing import GROWTH_CAP_MB, WORKERS_VARIABLE, default_workers
from models.training.worker import (
    END_LINE,
    MODEL_ERROR_FILE,
    MODEL_FILE,
    TrainJob,
    init_worker,
    run_job,
    warm_up,
)

__all__ = [
    "WORKER_DIED",
    "JobHandle",
    "TrainJob",
    "TrainingService",
    "service_from_environment",
]
WORKER_DIED = (
    "The training worker stopped unexpectedly (killed or out of memory). "
    "Nothing else was lost: press Train to run again."
)


@dataclass
class JobHandle:
    """The server's view of one job. Kept in one browser session's state only."""

    id: int
    job: TrainJob
    folder: Path
    future: Future
    progress: Path  # the losses file: in `folder`, or where the browser can fetch it
    _offset: int = 0
    _columns: list[str] = field(default_factory=list)
    _rows: list = field(default_factory=list)
    _first_seen: tuple[float, int] | None = None  # (time, epochs) when epochs first arrived

    def started(self) -> bool:
        return (self.folder / "started").exists()

    def stop(self) -> None:
        """Ask the run to end after its current chunk (or cancel it if still queued)."""
        self.future.cancel()
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "stop").touch()

    def rows(self) -> np.ndarray:
        """Every epoch's losses so far: columns epoch, train_total, val_total, per task..."""
        path = self.progress
        if path.exists():
            with open(path, encoding="utf-8") as src:
                src.seek(self._offset)
                text = src.read()
            complete = text[: text.rfind("\n") + 1]  # a line still being written waits
            self._offset += len(complete.encode())
            lines = complete.splitlines()
            if lines and not self._columns:
                self._columns = lines.pop(0).split(",")
            self._rows += [
                [float(v) for v in line.split(",")] for line in lines if line != END_LINE
            ]
        if self._rows and self._first_seen is None:
            self._first_seen = (time.time(), len(self._rows))
        return np.array(self._rows, dtype=float)

    def history(self) -> pd.DataFrame:
        """The epochs so far, with the same columns as the finished run's history."""
        rows = self.rows()
        return pd.DataFrame(rows.reshape(len(rows), len(self._columns)), columns=self._columns)

    def seconds_left(self) -> float | None:
        """Time to finish at the speed seen since the first epochs arrived (None: unknown)."""
        if self._first_seen is None:
            return None
        since, first = self._first_seen
        done = len(self._rows) - first
        if done <= 0:
            return None
        return (time.time() - since) / done * (self.job.config.epochs - len(self._rows))

    def done(self) -> bool:
        return self.future.done()

    def model_bytes(self) -> bytes | None:
        """The trained model as `.keras` file contents; None until a run finished or stopped."""
        path = self.folder / MODEL_FILE
        return path.read_bytes() if path.exists() else None

    def model_error(self) -> str | None:
        """Why a finished or stopped run has no model file (None if it has one or is running)."""
        path = self.folder / MODEL_ERROR_FILE
        return path.read_text(encoding="utf-8") if path.exists() else None

    def outcome(self):
        """(TrainResult, None) or (None, error message) once `done()`."""
        try:
            return self.future.result(), None
        except BrokenProcessPool:
            return None, WORKER_DIED
        except CancelledError:
            return None, "Stopped before it started."
        except Exception as error:  # a worker-side failure is shown, never raised in the page
            return None, f"Training failed: {error}"


# Compiled by every worker as it starts: the two models the question asks about and the Compare
# tab's no-sharing baseline, at the question's sizes. A click on Train, or on Compare's Train all
# with its first list, must not wait for a compile (~1.5-2.5 s each).
WARM_SPECS = tuple(preset.on(ModelSpec()) for preset in COMPARE_DEFAULTS)


def service_from_environment(live_root: Path | None = None) -> TrainingService:
    """The server's service: `LSE_TRAIN_WORKERS` workers (default: from cores and memory),
    each compiling WARM_SPECS as it starts; progress files under `live_root` if given."""
    workers = int(os.environ.get(WORKERS_VARIABLE, "0")) or default_workers()
    return TrainingService(workers=workers, warm_specs=WARM_SPECS, live_root=live_root)


class TrainingService:
    """The server's pool of training workers, shared by all sessions (one per server)."""

    def __init__(
        self,
        workers: int = 1,
        growth_cap_mb: float = GROWTH_CAP_MB,
        warm_specs: tuple[ModelSpec, ...] = (),
        live_root: Path | None = None,  # progress files go here (the page serves it), if given
    ):
        self.workers = workers
        self.root = Path(tempfile.mkdtemp(prefix="lse-jobs-"))
        self.live = live_folder(live_root) if live_root else None
        self._ids, self._lock = itertools.count(1), threading.Lock()
        self._handles: list[JobHandle] = []
        self._pool = WorkerPool(
            workers,
            initializer=init_worker,
            initargs=(warm_specs,),
            growth_cap_mb=growth_cap_mb,
            keys_kept=CACHE_SIZE,
            preload=("models.training.preload",),  # TensorFlow loaded once, shared by workers
        )

    @property
    def replacements(self) -> int:
        """Workers started to replace one that grew past the cap or died."""
        return self._pool.replacements

    def worker_pids(self) -> list[int]:
        return self._pool.pids()

    def compiled_in(self, spec: ModelSpec) -> list[int]:
        """The workers (pids) that have `spec` compiled."""
        return self._pool.knowing(spec)

    def submit(self, job: TrainJob) -> JobHandle:
        """Queue `job`; a free worker starts it (jobs run in submission order)."""
        with self._lock:
            self._handles = [h for h in self._handles if not h.done()]
            job_id = next(self._ids)
            folder = self.root / f"job{job_id}"
            folder.mkdir()
            progress = (  # named unguessably when served: only its session knows the name
                self.live / f"{secrets.token_urlsafe(16)}.csv"
                if self.live
                else folder / "progress.csv"
            )
            progress.touch()  # there from the start: the browser may fetch it at once
            future = self._pool.submit(run_job, job, str(folder), str(progress), key=job.spec)
            handle = JobHandle(job_id, job, folder, future, progress)
            self._handles.append(handle)
            return handle

    def prepare(self, *specs: ModelSpec) -> None:
        """Compile `specs` in idle workers before anyone presses Train (the last one first)."""
        for spec in specs:
            self._pool.prepare(spec, warm_up, spec)

    def call(self, fn, *args) -> Future:
        """Run the picklable `fn(*args)` in a worker (queued with the training jobs)."""
        return self._pool.submit(fn, *args)

    def queue_position(self, handle: JobHandle) -> int:
        """How many jobs wait before `handle` (0 when it is running or done)."""
        if handle.started() or handle.done():
            return 0
        with self._lock:
            waiting = [h for h in self._handles if not h.done() and not h.started()]
        ahead = sum(1 for h in waiting if h.id < handle.id)
        return ahead + (1 if self.running() >= self.workers else 0)

    def running(self) -> int:
        return sum(1 for h in self._handles if h.started() and not h.done())

    def active(self) -> int:
        """Jobs of every session that are queued or running."""
        return sum(1 for h in self._handles if not h.done())

    def shutdown(self) -> None:
        self._pool.shutdown()
        shutil.rmtree(self.root, ignore_errors=True)
        if self.live:
            shutil.rmtree(self.live, ignore_errors=True)
