"""Warm worker processes that nobody waits for: jobs go where their spec is compiled, a grown
worker is replaced while another serves, and idle workers compile ahead.

Why not `concurrent.futures` or loky: both pick a worker blindly and start a replacement only
once the old worker has gone, so the next job waits ~4 s for TensorFlow to load and warm up.
Here a job with a `key` (its spec) goes to an idle worker that ran that key before; a worker
whose memory grew by `growth_cap_mb` is replaced while another serves (see `_replace_grown`);
`prepare(key, fn, *args)` runs `fn` on an idle worker while no job runs and none knows `key`.
Workers fork from a process that imported `preload` once (`processes.start_method`). Each
worker's temporary files go to its own folder, removed however it leaves (autograph leaves a
`.py` per traced function that only a clean interpreter exit, never a worker's, deletes).
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
import threading
from collections import OrderedDict, deque
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import connection
from pathlib import Path

from models.training import processes
from models.training.placement import best_job, take

POLL_SECONDS = 0.5  # the manager also looks at memory and deaths at least this often
MAX_FAILED_STARTS = 3  # workers dying before ready, in a row: the pool stops starting more


@dataclass
class _Task:
    fn: object
    args: tuple
    key: object = None  # affinity: a worker that ran this key has it compiled
    ahead: bool = False  # a prepare: run ahead of need, its result unused
    passed: int = 0  # later jobs that started before it (see `placement.OVERTAKES`)
    future: Future = field(default_factory=Future)


@dataclass
class _Worker:
    process: object
    conn: object
    tmp: Path
    ready: bool = False
    baseline_mb: float = 0.0
    task: _Task | None = None
    keys: OrderedDict = field(default_factory=OrderedDict)  # most recently used last
    retiring: bool = False


class WorkerPool:
    """`size` warm workers (one more while a lone grown worker's spare warms up)."""

    def __init__(
        self, size, initializer=None, initargs=(), growth_cap_mb=300.0, keys_kept=8, preload=()
    ):
        self.size, self.growth_cap_mb, self.keys_kept = size, growth_cap_mb, keys_kept
        self._init = (initializer, initargs)
        self._context = processes.start_method(preload)
        self._root = Path(tempfile.mkdtemp(prefix="lse-workers-"))
        self._numbers = itertools.count(1)  # names the workers' temporary folders
        self._lock = threading.Lock()
        self._jobs: deque[_Task] = deque()
        self._prepares: dict[object, _Task] = {}
        self._workers: list[_Worker] = []
        self._wake_reader, self._wake_writer = self._context.Pipe(duplex=False)
        self._closed, self._failed_starts = False, 0  # failed: died before ready, in a row
        self.replacements = 0  # workers started to replace one that grew or died
        with self._lock:
            for _ in range(size):
                self._start_worker()
        self._manager = threading.Thread(target=self._manage, name="worker-pool", daemon=True)
        self._manager.start()

    def submit(self, fn, *args, key=None) -> Future:
        """Run the picklable `fn(*args)` in a worker; jobs start in submission order, except that
        a job an idle worker can run without compiling may go first (`placement`)."""
        task = _Task(fn, args, key)
        with self._lock:
            if self._closed:
                raise RuntimeError("the worker pool is shut down")
            self._jobs.append(task)
            if self._failed_starts >= MAX_FAILED_STARTS:  # try again for a new job
                self._failed_starts = 0
                while len(self._workers) < self.size:
                    self._start_worker()
        self._wake()
        return task.future

    def prepare(self, key, fn, *args) -> None:
        """Run `fn(*args)` ahead of need on an idle worker, unless a worker knows `key`."""
        with self._lock:
            if self._closed or key in self._prepares or any(key in w.keys for w in self._workers):
                return
            self._prepares[key] = _Task(fn, args, key, ahead=True)
        self._wake()

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
                self._replace_grown()
                self._dispatch()
        for worker in list(self._workers):
            self._leave(worker)

    def _hear(self, worker: _Worker) -> None:
        """Take a worker's messages; a worker that died fails its task and is replaced."""
        try:
            while worker.conn.poll():
                kind, payload = worker.conn.recv()
                if kind == "ready":
                    worker.ready, worker.baseline_mb = True, processes.memory_mb(worker.process.pid)
                    for key in payload:
                        self._remember(worker, key)
                else:
                    self._finish(worker, *payload)
        except (EOFError, OSError):
            pass
        if not worker.process.is_alive():
            if worker.task is not None:
                worker.task.future.set_exception(
                    BrokenProcessPool("the worker stopped (killed or out of memory)")
                )
                worker.task = None
            self._leave(worker)
            self._failed_starts = 0 if worker.ready else self._failed_starts + 1
            if self._failed_starts >= MAX_FAILED_STARTS:  # it cannot start: say so, stop trying
                jobs, self._jobs = self._jobs, deque()
                for task in (t for t in jobs if t.future.set_running_or_notify_cancel()):
                    task.future.set_exception(BrokenProcessPool("training workers cannot start"))
            elif not self._closed and len(self._workers) < self.size:
                self._start_worker()
                self.replacements += 1

    def _finish(self, worker: _Worker, ok: bool, value) -> None:
        task, worker.task = worker.task, None
        if ok and task.key is not None:
            self._remember(worker, task.key)
        grown = processes.memory_mb(worker.process.pid) - worker.baseline_mb
        worker.retiring = worker.retiring or grown > self.growth_cap_mb
        if ok:
            task.future.set_result(value)
        else:
            task.future.set_exception(value)

    def _remember(self, worker: _Worker, key) -> None:
        worker.keys[key] = True
        worker.keys.move_to_end(key)
        while len(worker.keys) > self.keys_kept:
            worker.keys.popitem(last=False)

    def _replace_grown(self) -> None:
        """An idle grown worker leaves if another (grown or not) serves meanwhile; a lone one
        serves on until its spare is ready (the only time there is one worker too many)."""
        for worker in [w for w in self._workers if w.retiring and w.task is None]:
            others = [w for w in self._workers if w is not worker and w.ready]
            starting = any(not w.ready for w in self._workers)
            if len([w for w in self._workers if w.ready and not w.retiring]) >= self.size:
                self._leave(worker)  # its spare is ready
            elif others and not starting:
                self._leave(worker)
                self._start_worker()
                self.replacements += 1
            elif not others and not starting:  # alone: it serves while a spare warms up
                self._start_worker()
                self.replacements += 1

    def _dispatch(self) -> None:
        """Give waiting jobs (then prepares) to idle workers, each job where it costs least."""
        while True:
            idle = [w for w in self._workers if w.ready and w.task is None]
            if not idle or self._closed:
                return
            if pick := best_job(idle, self._workers, self._jobs):
                worker, task = pick
                take(self._jobs, task)
                if not task.future.set_running_or_notify_cancel():
                    continue  # cancelled while it waited
            elif self._prepares and self._quiet(idle):
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
            try:
                worker.conn.send((task.fn, task.args))
            except Exception as error:  # unpicklable arguments: the caller's mistake
                worker.task = None
                task.future.set_exception(error)

    def _quiet(self, idle: list[_Worker]) -> bool:
        """No job runs (it would lose CPU to a compile) and one worker stays free for a click."""
        running = any(w.task and not w.task.ahead for w in self._workers)
        return not running and (len(idle) > 1 or self.size == 1)

    def _start_worker(self) -> None:
        tmp = self._root / f"worker{next(self._numbers)}"
        process, conn = processes.start_process(self._context, tmp, *self._init)
        self._workers.append(_Worker(process, conn, tmp))

    def _leave(self, worker: _Worker) -> None:
        processes.end_process(worker.process, worker.conn, worker.tmp)
        if worker in self._workers:
            self._workers.remove(worker)
