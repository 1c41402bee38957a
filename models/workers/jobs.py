"""Training in worker processes: the Streamlit server never trains.

Visitors share the workers fairly (`placement.turn`); the queue is bounded (`Busy` beyond it);
identical requests join one run, and a finished run answers the next identical request at once
(runs are deterministic); runs nobody watches, past their deadline or ignoring Stop end
(`housekeeping`, once a second).

A compiled spec holds ~55 MB of TensorFlow graphs while a process keeps it, and importing
TensorFlow costs ~700 MB, so the server never trains: every run goes to a warm worker of
`models.workers.pool.WorkerPool`. A job goes where its spec is compiled
(`models.workers.placement`), the page asks idle workers to compile what it shows
(`prepare`), and a worker that has grown is replaced while another serves. A job streams its
losses to a small file, one CSV line per epoch (in its own folder, or under `live_root` where
the page's browser fetches it), and stops when a `stop` file appears in its folder: plain files
survive a worker that dies mid-run. A run that finishes or is stopped also leaves its trained
model there as `model.keras`.
"""

from __future__ import annotations

import itertools
import logging
import os
import secrets
import shutil
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

from models.architectures.presets import COMPARE_DEFAULTS
from models.spec import ModelSpec
from models.training.compiled import CACHE_SIZE
from models.workers import housekeeping, processes
from models.workers.handle import WORKER_DIED, JobHandle, Run
from models.workers.housekeeping import Answers
from models.workers.live_files import live_folder
from models.workers.logs import LOGGER, show_worker_logs
from models.workers.pool import WorkerPool
from models.workers.queueing import place_of, runs_ahead, wait_estimate
from models.workers.sizing import GROWTH_CAP_MB, WORKERS_VARIABLE, default_workers
from models.workers.worker import TrainJob, init_worker, run_job, warm_up

__all__ = [
    "WORKER_DIED",
    "Busy",
    "JobHandle",
    "TrainJob",
    "TrainingService",
    "service_from_environment",
]
LOG = logging.getLogger(LOGGER)
WAITING_PER_WORKER = 8  # queued runs beyond this many per worker: the app says it is busy
# Compiled by every worker as it starts: the two models the question asks about and the Compare
# tab's no-sharing baseline, at the question's sizes. A click on Train, or on Compare's Train all
# with its first list, must not wait for a compile (~2-4 s each, more while a page draws).
WARM_SPECS = tuple(preset.on(ModelSpec()) for preset in COMPARE_DEFAULTS)
# Workers kept once nobody has asked for anything for a minute (`pool.IDLE_SECONDS`): one
# warm worker answers the next visitor's first click; the others start again as they come.
IDLE_WORKERS = 1
FINISHED_KEPT_BYTES = 64 * 2**20  # finished results kept to answer identical requests at once
DEFAULT_DEADLINE_SECONDS = 600.0


class Busy(RuntimeError):
    """The queue is full, or this visitor already has runs going; the message says what to do."""


def service_from_environment(tree_mb: float | None = None, **settings) -> TrainingService:
    """The server's service: `LSE_TRAIN_WORKERS` workers (default: from the container's CPU
    quota, cores and memory, within the app's whole-tree budget `tree_mb`), each compiling
    WARM_SPECS as it starts (then the page compiles ahead what it shows, each spec in one
    worker: `prepare`); `settings`: TrainingService's other arguments."""
    show_worker_logs()
    workers = int(os.environ.get(WORKERS_VARIABLE, "0")) or default_workers(tree_mb=tree_mb)
    return TrainingService(workers=workers, warm_specs=WARM_SPECS, **settings)


class TrainingService:
    """The server's pool of training workers, shared by all sessions (one per server)."""

    def __init__(
        self,
        workers: int = 1,
        growth_cap_mb: float = GROWTH_CAP_MB,
        warm_specs: tuple[ModelSpec, ...] = (),
        live_root: Path | None = None,  # progress files go here (the page serves it), if given
        # A run's expected seconds once compiled (places in the queue, `placement.held`).
        estimate: Callable[[TrainJob], float] | None = None,
        task_memory_mb: float | None = None,  # a worker growing more during a run is killed
        compile_estimate: Callable[[ModelSpec], float] | None = None,  # a spec's compile seconds
    ):
        self.workers, self.estimate, self.compile_estimate = workers, estimate, compile_estimate
        self.root = Path(tempfile.mkdtemp(prefix="lse-jobs-"))
        self.live = live_folder(live_root) if live_root else None
        self._ids, self._lock = itertools.count(1), threading.Lock()
        self._active: dict[TrainJob, Run] = {}  # runs queued or going, by what they compute
        self._ended: list[Run] = []  # their files are removed a while after they end
        self._answers = Answers(FINISHED_KEPT_BYTES)  # finished runs, by what they computed
        self._pool = WorkerPool(
            workers,
            initializer=init_worker,
            warm_keys=warm_specs,  # a worker started later skips those a ready one compiled
            growth_cap_mb=growth_cap_mb,
            keys_kept=CACHE_SIZE,
            preload=processes.TENSORFLOW_PRELOAD,  # TensorFlow loaded once, shared by workers
            task_memory_mb=task_memory_mb,
            idle_size=IDLE_WORKERS,
        )
        self._closed = threading.Event()
        threading.Thread(target=self._keep_house, name="housekeeping", daemon=True).start()

    @property
    def replacements(self) -> int:
        """Workers started to replace one that grew past the cap or died."""
        return self._pool.replacements

    def worker_pids(self) -> list[int]:
        return self._pool.pids()

    def compiled_in(self, spec: ModelSpec) -> list[int]:
        """The workers (pids) that have `spec` compiled."""
        return self._pool.knowing(spec)

    def submit(
        self, job: TrainJob, owner: object = None, deadline_seconds: float | None = None
    ) -> JobHandle:
        """A handle on a run of `job` for `owner`: the identical run already going or just
        finished (same spec, data, settings and seed: the same curves), else a new one queued
        (owners are served in turn). Raises `Busy` when the queue is full."""
        with self._lock:
            run = self._active.get(job)
            if run is None or run.stop_asked is not None:
                run = self._answers.get(job)
            if run is None:
                run = self._queue(job, owner, deadline_seconds or DEFAULT_DEADLINE_SECONDS)
            else:
                LOG.info("joined %s (%d watching)", run.folder.name, len(run.watchers) + 1)
            return JobHandle(next(self._ids), run, owner)

    def _queue(self, job: TrainJob, owner: object, deadline_seconds: float) -> Run:
        # Other visitors' waiting runs: a visitor's own batch (the sweep's 18) is one request.
        waiting = [o for o, _ in self._pool.waiting() if o is None or o != owner]
        if len(waiting) >= WAITING_PER_WORKER * self.workers:
            raise Busy(
                f"The app is busy: {len(waiting)} runs are waiting for its {self.workers} "
                "workers. Please try again in a minute."
            )
        number = next(self._ids)
        folder = self.root / f"job{number}"
        folder.mkdir()
        progress = (  # named unguessably when served: only its watchers know the name
            self.live / f"{secrets.token_urlsafe(16)}.csv" if self.live else folder / "progress.csv"
        )
        progress.touch()  # there from the start: the browser may fetch it at once
        future = self._pool.submit(
            run_job,
            job,
            str(folder),
            str(progress),
            key=job.spec,
            owner=owner,
            seconds=self.estimate(job) if self.estimate else None,
            compile_seconds=self._compile_seconds(job.spec) or 0.0,
        )
        run = Run(job, folder, progress, future, deadline_seconds)
        self._active[job] = run
        return run

    def prepare(self, *specs: ModelSpec, owner: object = None) -> None:
        """Compile `specs` in idle workers before anyone presses Train, most wanted first;
        what `owner`'s page asked for before and no longer shows is not compiled."""
        if owner is not None:
            self._pool.withdraw(owner, keep=specs)
        for spec in reversed(specs):  # the pool takes the newest first
            seconds = self._compile_seconds(spec)
            self._pool.prepare(spec, warm_up, spec, owner=owner, compile_seconds=seconds)

    def _compile_seconds(self, spec: ModelSpec) -> float | None:
        return self.compile_estimate(spec) if self.compile_estimate else None

    def call(self, fn, *args) -> Future:
        """Run the picklable `fn(*args)` in a worker (queued with the training jobs)."""
        return self._pool.submit(fn, *args)

    def going_for(self, owner: object) -> int:
        """Runs `owner` watches that are queued or going and not asked to stop."""
        with self._lock:
            runs = list(self._active.values())
        return sum(
            1
            for run in runs
            if not run.future.done() and run.stop_asked is None and _watches(run, owner)
        )

    def queue_position(self, handle: JobHandle) -> int:
        """About how many runs start before `handle`'s (0 when it is running or done)."""
        if handle.started() or handle.done():
            return 0
        busy, waiting = self.running() >= self.workers, self._pool.waiting()
        owner, place = place_of(waiting, handle.run.future, handle.owner)
        return runs_ahead([o for o, _ in waiting], owner, busy, place)

    def wait_seconds(self, ahead: int) -> float | None:
        """About how long a run `ahead` places back (`queue_position`) waits before it starts
        (None: no estimate)."""
        if self.estimate is None or not ahead:
            return None
        with self._lock:
            runs = [r for r in self._active.values() if not r.future.done()]
        return wait_estimate(ahead, [self.estimate(r.job) for r in runs], self.workers)

    def running(self) -> int:
        with self._lock:
            runs = list(self._active.values())
        return sum(1 for r in runs if r.started() and not r.future.done())

    def active(self) -> int:
        """Runs of every visitor that are queued or going."""
        with self._lock:
            return sum(1 for r in self._active.values() if not r.future.done())

    def _keep_house(self) -> None:
        while not self._closed.wait(1.0):
            with self._lock:
                runs = list(self._active.values())
            ended = housekeeping.look(runs, self._end_worker)
            with self._lock:
                for run in ended:
                    self._active.pop(run.job, None)
                    self._ended.append(run)
                    self._answers.keep(run)
                kept = self._answers.runs()
                self._ended = housekeeping.clear_old_files(self._ended, kept)

    def _end_worker(self, run: Run, reason: str) -> None:
        self._pool.end(run.future, reason)

    def shutdown(self) -> None:
        self._closed.set()
        self._pool.shutdown()
        shutil.rmtree(self.root, ignore_errors=True)
        if self.live:
            shutil.rmtree(self.live, ignore_errors=True)


def _watches(run: Run, owner: object) -> bool:
    return any(run.owners.get(handle_id) == owner for handle_id in run.watchers)
