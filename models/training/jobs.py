"""Training in worker processes: the Streamlit server never trains.

TensorFlow leaks ~20-25 MB per build + compile + train that it never frees, so every run goes
to a `concurrent.futures.ProcessPoolExecutor` (spawned workers, replaced after
`max_tasks_per_child` jobs; the whole pool is recycled while idle if a worker passes a memory
cap). A job streams its losses to a small file in its own folder, one CSV line per epoch, and
stops when a `stop` file appears there: plain files survive a worker that dies mid-run. A run
that finishes or is stopped also leaves its trained model there as `model.keras`.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import shutil
import tempfile
import threading
import time
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from models.spec import ModelSpec
from models.training.pool import ReplacingProcessPool
from models.training.worker import MODEL_ERROR_FILE, MODEL_FILE, TrainJob, init_worker, run_job

__all__ = [
    "WORKER_DIED",
    "JobHandle",
    "TrainJob",
    "TrainingService",
    "memory_mb",
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
        path = self.folder / "progress.csv"
        if path.exists():
            with open(path, encoding="utf-8") as src:
                src.seek(self._offset)
                text = src.read()
            complete = text[: text.rfind("\n") + 1]  # a line still being written waits
            self._offset += len(complete.encode())
            lines = complete.splitlines()
            if lines and not self._columns:
                self._columns = lines.pop(0).split(",")
            self._rows += [[float(v) for v in line.split(",")] for line in lines]
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


WORKERS_VARIABLE = "LSE_TRAIN_WORKERS"


def service_from_environment() -> TrainingService:
    """The server's service: `LSE_TRAIN_WORKERS` workers (default 1), warmed on `ModelSpec()`."""
    workers = int(os.environ.get(WORKERS_VARIABLE, "1"))
    return TrainingService(workers=workers, warm_spec=ModelSpec())


class TrainingService:
    """The server's pool of training workers, shared by all sessions (one per server)."""

    def __init__(
        self,
        workers: int = 1,
        max_tasks_per_child: int = 3,  # ~25 MB leaks per job: a worker grows <= ~75 MB
        memory_cap_mb: float = 1500.0,
        warm_spec: ModelSpec | None = None,
    ):
        self.workers, self.max_tasks = workers, max_tasks_per_child
        self.memory_cap_mb, self.warm_spec = memory_cap_mb, warm_spec
        self.root = Path(tempfile.mkdtemp(prefix="lse-jobs-"))
        self._ids, self._lock = itertools.count(1), threading.Lock()
        self._handles: list[JobHandle] = []
        self.recycles = 0
        self._executor = self._new_executor()

    def _new_executor(self) -> ProcessPoolExecutor:
        executor = ReplacingProcessPool(
            self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=init_worker,
            initargs=(self.warm_spec,),
            max_tasks_per_child=self.max_tasks,
        )
        # Every worker, the replacements included, compiles warm_spec as it starts: start one
        # now, so the first click of a session does not wait for TensorFlow to load.
        executor.submit(os.getpid)
        return executor

    def worker_pids(self) -> list[int]:
        return list(getattr(self._executor, "_processes", None) or {})

    def _recycle_if_needed(self) -> None:
        """Replace a broken pool at once, and an idle one whose worker outgrew the memory cap."""
        broken = getattr(self._executor, "_broken", False)
        too_big = not self.active() and any(
            memory_mb(pid) > self.memory_cap_mb for pid in self.worker_pids()
        )
        if broken or too_big:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = self._new_executor()
            self.recycles += 1

    def submit(self, job: TrainJob) -> JobHandle:
        """Queue `job`; a free worker starts it (jobs run in submission order)."""
        with self._lock:
            self._handles = [h for h in self._handles if not h.done()]
            self._recycle_if_needed()
            job_id = next(self._ids)
            folder = self.root / f"job{job_id}"
            folder.mkdir()
            future = self._submit(run_job, job, str(folder))
            handle = JobHandle(job_id, job, folder, future)
            self._handles.append(handle)
            return handle

    def call(self, fn, *args) -> Future:
        """Run the picklable `fn(*args)` in a worker (queued with the training jobs)."""
        with self._lock:
            self._recycle_if_needed()
            return self._submit(fn, *args)

    def _submit(self, fn, *args) -> Future:
        """Submit under the lock; a pool that broke since the last check is replaced once."""
        try:
            return self._executor.submit(fn, *args)
        except BrokenProcessPool:
            self._executor = self._new_executor()
            return self._executor.submit(fn, *args)

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
        self._executor.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self.root, ignore_errors=True)


_MEMORY_FIELDS = {"rss": ("status", "VmRSS:"), "pss": ("smaps_rollup", "Pss:")}


def memory_mb(pid: int, kind: str = "rss") -> float:
    """A process's resident ("rss") or proportional ("pss") memory in MB; 0 if it is gone.

    PSS splits shared pages (TensorFlow's ~470 MB of libraries) among the processes using
    them, so summing PSS over a process tree counts them once.
    """
    name, key = _MEMORY_FIELDS[kind]
    try:
        with open(f"/proc/{pid}/{name}", encoding="ascii") as source:
            for line in source:
                if line.startswith(key):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0
