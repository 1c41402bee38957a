"""Warm worker processes that nobody waits for: jobs go where their spec is compiled, a grown
worker is replaced while another serves, and idle workers compile ahead.

Why not `concurrent.futures` or loky: both pick a worker blindly and start a replacement only
once the old worker has gone, so the next job waits ~4 s for TensorFlow to load and warm up.
Here a job with a `key` (its spec) goes to an idle worker that ran that key before; a worker
whose memory grew by `growth_cap_mb` is replaced while another serves (`renewal`);
`prepare(key, fn, *args)` runs `fn` on an idle worker while no job runs and none knows `key`.
Visitors are served in turn (`placement.turn`). A worker that grows by more than
`task_memory_mb` in one task is killed at once (its task fails with the reason), and
`end(future, reason)` kills the worker of a task that must not go on (a run past its deadline
or ignoring Stop). Processes are started and ended outside the lock: the page's calls never
wait for a fork or a join.
Workers fork from a process that imported `preload` once (`processes.start_method`). Each
worker's temporary files go to its own folder, removed however it leaves (autograph leaves a
`.py` per traced function that only a clean interpreter exit, never a worker's, deletes).
"""

from __future__ import annotations

import itertools
import logging
import shutil
import tempfile
import threading
import time
from collections import deque
from concurrent.futures import Future
from multiprocessing import connection
from pathlib import Path

from models.workers import processes
from models.workers.logs import LOGGER
from models.workers.placement import best_job, quiet, take
from models.workers.tasks import Task, Worker
from models.workers.upkeep import MAX_FAILED_STARTS, WorkerUpkeep

POLL_SECONDS = 0.5  # the manager also looks at memory and deaths at least this often
# Nothing asked (no job, no prepare) for this long: workers past `idle_size` are let go.
IDLE_SECONDS = 60.0


LOG = logging.getLogger(LOGGER)


class WorkerPool(WorkerUpkeep):
    """`size` warm workers (one more while a lone grown worker's spare warms up)."""

    def __init__(
        self,
        size,
        initializer=None,
        initargs=(),
        growth_cap_mb=300.0,
        keys_kept=8,
        preload=(),
        task_memory_mb: float | None = None,  # a worker growing more in one task: killed
        idle_size: int | None = None,  # workers kept once nothing is asked (default: size)
        idle_seconds: float = IDLE_SECONDS,
        warm_keys: tuple | None = None,  # keys `initializer` compiles, its first argument
    ):
        self.size, self.growth_cap_mb, self.keys_kept = size, growth_cap_mb, keys_kept
        self.idle_size = size if idle_size is None else idle_size
        self.idle_seconds, self._last_asked = idle_seconds, time.monotonic()
        self.task_memory_mb = task_memory_mb
        self._init, self._warm_keys = (initializer, initargs), warm_keys
        self._context = processes.start_method(preload)
        self._root = Path(tempfile.mkdtemp(prefix="lse-workers-"))
        self._numbers = itertools.count(1)  # names the workers' temporary folders
        self._lock = threading.Lock()
        self._jobs: deque[Task] = deque()
        self._prepares: dict[object, Task] = {}
        self._workers: list[Worker] = []
        self._to_start = 0  # workers to start, and workers to end, outside the lock (`_manage`)
        self._starting = 0  # workers being started outside the lock just now
        self._to_end: list[Worker] = []
        self._served: dict = {}  # owner -> when their last job started (`placement.turn`)
        self._starts = itertools.count()
        self._enders: list[threading.Thread] = []  # each ends one worker (a join can take 10 s)
        self._wake_reader, self._wake_writer = self._context.Pipe(duplex=False)
        self._closed, self._failed_starts = False, 0  # failed: died before ready, in a row
        self.replacements = 0  # workers started to replace one that grew or died
        with self._lock:
            for _ in range(size):
                self._start_worker()
        self._manager = threading.Thread(target=self._manage, name="worker-pool", daemon=True)
        self._manager.start()

    def submit(self, fn, *args, key=None, owner=None, seconds=None, compile_seconds=0.0) -> Future:
        """Run the picklable `fn(*args)` in a worker; owners are served in turn, and an owner's
        jobs start in submission order, except that a job an idle worker can run without
        compiling may go first (`placement`). `seconds`: its expected time where `key` is
        compiled, `compile_seconds` more where not (for placement; None: unknown)."""
        task = Task(fn, args, key, owner, seconds=seconds, compile_seconds=compile_seconds)
        with self._lock:
            if self._closed:
                raise RuntimeError("the worker pool is shut down")
            self._jobs.append(task)
            self._wanted(time.monotonic())
            if self._failed_starts >= MAX_FAILED_STARTS:  # try again for a new job
                self._failed_starts = 0
                self._to_start = max(self._to_start, self.size - len(self._workers))
        self._wake()
        return task.future

    def end(self, future: Future, reason: str) -> bool:
        """Kill the worker running the task of `future` (cancel it if it waits): its future
        fails with `WorkerEnded(reason)` and a new worker takes its place. False if it ended."""
        if future.cancel():
            return True
        with self._lock:
            for worker in self._workers:
                if worker.task is not None and worker.task.future is future:
                    worker.task.end_reason = reason
                    LOG.warning("ending worker %s: %s", worker.process.pid, reason)
                    processes.kill(worker.process)
                    break
            else:
                return False
        self._wake()
        return True

    def waiting(self) -> list[tuple]:
        """(owner, future) of each job that waits for a worker, in queue order."""
        with self._lock:
            return [(task.owner, task.future) for task in self._jobs]

    def prepare(self, key, fn, *args, owner=None, compile_seconds=None) -> None:
        """Run `fn(*args)` ahead of need on an idle worker, unless a worker knows `key`; asked
        again, it becomes the newest (the first taken). `owner`: the visitor whose page asks;
        `compile_seconds`: about how long it takes (None: unknown)."""
        with self._lock:
            if self._closed or any(key in w.keys for w in self._workers):
                return
            self._prepares.pop(key, None)
            self._prepares[key] = Task(fn, args, key, owner, ahead=True, seconds=compile_seconds)
            self._wanted(time.monotonic())
        self._wake()

    def withdraw(self, owner, keep=()) -> None:
        """Drop `owner`'s compiles-ahead that have not started, except those of the keys in
        `keep`: that page has moved on, and nobody else asked for them."""
        with self._lock:
            for key in [k for k, t in self._prepares.items() if t.owner == owner and k not in keep]:
                del self._prepares[key]

    def knowing(self, key) -> list[int]:
        """The pids of the workers that ran `key` (compiled it) and still remember it."""
        with self._lock:
            return [w.process.pid for w in self._workers if key in w.keys]

    def pids(self, ready_only: bool = False) -> list[int]:
        """Every worker's pid (`ready_only`: of those warmed up)."""
        with self._lock:
            return [w.process.pid for w in self._workers if w.ready or not ready_only]

    def shutdown(self) -> None:
        """Cancel what has not started, let running tasks end, and remove every worker."""
        with self._lock:
            self._closed = True
            for task in self._jobs:
                task.future.cancel()
            self._jobs, self._prepares = deque(), {}
        self._wake()
        self._manager.join(timeout=30)
        shutil.rmtree(self._root, ignore_errors=True)

    def _initargs_now(self) -> tuple:
        """The initializer and its arguments for a worker starting now: with `warm_keys`, those
        no ready worker that stays already knows come first. A worker started during a class's
        burst (after an idle one was let go, or to replace one) would otherwise compile them
        all while runs wait, at the runs' own CPU priority (~12 s of CPU for four specs), and
        jobs of those keys go to the worker that knows them anyway."""
        initializer, initargs = self._init
        if self._warm_keys is None:
            return initializer, initargs
        with self._lock:
            known = {k for w in self._workers if w.ready and not w.retiring for k in w.keys}
        return initializer, (tuple(k for k in self._warm_keys if k not in known), *initargs)

    def _wake(self) -> None:
        self._wake_writer.send_bytes(b"!")

    def _manage(self) -> None:
        while True:
            with self._lock:
                self._closed = self._closed or processes.INTERPRETER_EXITING.is_set()
                if self._closed and not any(w.task for w in self._workers):
                    break
                waits = [self._wake_reader]
                for worker in self._workers:
                    waits += [worker.conn, worker.process.sentinel]
            for ready in connection.wait(waits, timeout=POLL_SECONDS):
                if ready is self._wake_reader:
                    self._wake_reader.recv_bytes()
            with self._lock:
                for worker in list(self._workers):
                    self._hear(worker)
                    self._check_memory(worker)
                self._replace_grown()
                self._dispatch()
                self._rest(time.monotonic())
                starts, self._to_start = self._to_start, 0
                self._starting += starts
                ending, self._to_end = self._to_end, []
            self._start_and_end(starts, ending)
        with self._lock:
            ending, self._workers = self._to_end + self._workers, []
        self._start_and_end(0, ending)
        for ender in self._enders:
            ender.join()

    def _dispatch(self) -> None:
        """Give waiting jobs (then prepares) to idle workers, each job where it costs least."""
        now = time.monotonic()
        while True:
            idle = [w for w in self._workers if w.ready and w.task is None]
            if not idle or self._closed:
                return
            if pick := best_job(idle, self._workers, self._jobs, self._served, now):
                worker, task = pick
                take(self._jobs, task)
                if not task.future.set_running_or_notify_cancel():
                    continue  # cancelled while it waited
                self._served[task.owner] = next(self._starts)
            elif self._prepares and quiet(
                idle, self._workers, list(self._prepares.values()), self.size
            ):
                if not (idle := [w for w in idle if not w.retiring]):  # it would take it away
                    return
                key, task = self._prepares.popitem()  # newest first: what the page shows now
                if any(key in w.keys for w in self._workers):
                    continue
                task.future.set_running_or_notify_cancel()
                worker = min(idle, key=lambda w: len(w.keys))
            else:
                return
            worker.task = task
            known = task.key in worker.keys
            compiling = 0.0 if known else task.compile_seconds
            if not known and task.key is not None and not task.ahead:
                # the costly case placement tries to avoid: a host's log shows how often
                LOG.info("worker %d compiles a job's spec first", worker.process.pid)
            worker.free_at = None if task.seconds is None else now + task.seconds + compiling
            try:
                worker.conn.send((task.fn, task.args))
            except Exception as error:  # unpicklable arguments: the caller's mistake
                worker.task = None
                task.future.set_exception(error)
