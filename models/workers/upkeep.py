"""Keeping a pool's workers alive and healthy: their messages, their memory, their deaths and
replacements, and starting and ending their processes outside the pool's lock.

A mixin of `models.workers.pool.WorkerPool` (which holds the state these methods use): the
pool's public face and its dispatch live there, the workers' upkeep here.
"""

from __future__ import annotations

import logging
import threading
from collections import deque

from models.workers import processes
from models.workers.logs import LOGGER
from models.workers.renewal import renew, resting
from models.workers.tasks import Worker, WorkerEnded

LOG = logging.getLogger(LOGGER)
MAX_FAILED_STARTS = 3  # workers dying before ready, in a row: the pool stops starting more


class WorkerUpkeep:
    """The workers' side of a pool; call these with the pool's lock held, except
    `_start_and_end`."""

    def _start_and_end(self, starts: int, ending: list[Worker]) -> None:
        """Start `starts` workers and end `ending` ones, without the lock (a fork or a join
        can take seconds); new workers join the pool as they are started."""
        for worker in ending:
            ender = threading.Thread(
                target=processes.end_process, args=(worker.process, worker.conn, worker.tmp)
            )
            ender.start()
            self._enders.append(ender)
        for _ in range(starts):
            try:
                if self._closed:
                    return
                tmp = self._root / f"worker{next(self._numbers)}"
                try:
                    process, conn = processes.start_process(
                        self._context, tmp, *self._initargs_now()
                    )
                except OSError:  # the interpreter is exiting (the fork server has gone)
                    if processes.INTERPRETER_EXITING.is_set():
                        return
                    raise
                LOG.info("worker %s started", process.pid)
                with self._lock:
                    self._workers.append(Worker(process, conn, tmp))
            finally:
                with self._lock:
                    self._starting -= 1

    def _hear(self, worker: Worker) -> None:
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
                reason = worker.task.end_reason or "the worker stopped (killed or out of memory)"
                if not processes.INTERPRETER_EXITING.is_set():  # at exit every worker goes
                    LOG.warning("worker %s died during a task: %s", worker.process.pid, reason)
                worker.task.future.set_exception(WorkerEnded(reason))
                worker.task = None
            self._leave(worker)
            self._failed_starts = 0 if worker.ready else self._failed_starts + 1
            if self._failed_starts >= MAX_FAILED_STARTS:  # it cannot start: say so, stop trying
                jobs, self._jobs = self._jobs, deque()
                for task in (t for t in jobs if t.future.set_running_or_notify_cancel()):
                    task.future.set_exception(WorkerEnded("training workers cannot start"))
            elif not self._closed and len(self._workers) < self.size:
                self._start_worker()
                self.replacements += 1

    def _finish(self, worker: Worker, ok: bool, value) -> None:
        task, worker.task = worker.task, None
        if ok and task.key is not None:
            self._remember(worker, task.key)
        grown = processes.memory_mb(worker.process.pid) - worker.baseline_mb
        if grown > self.growth_cap_mb and not worker.retiring:
            LOG.info("worker %s grew %.0f MB: replaced", worker.process.pid, grown)
        worker.retiring = worker.retiring or grown > self.growth_cap_mb
        if ok:
            task.future.set_result(value)
        else:
            task.future.set_exception(value)

    def _check_memory(self, worker: Worker) -> None:
        """Kill a worker whose private memory passed the limit: the kernel would otherwise
        kill something (the whole container on a small host) once the tree is over."""
        if self.task_memory_mb is None or worker.task is None or not worker.process.is_alive():
            return
        grown = processes.memory_mb(worker.process.pid) - worker.baseline_mb
        if grown > self.task_memory_mb:
            worker.task.end_reason = (
                f"The run needed more than this host's {self.task_memory_mb:,.0f} MB per run "
                "and was stopped: use a smaller batch, fewer filters or fewer time steps."
            )
            LOG.warning("worker %s grew %.0f MB in one task: killed", worker.process.pid, grown)
            processes.kill(worker.process)

    def _remember(self, worker: Worker, key) -> None:
        worker.keys[key] = True
        worker.keys.move_to_end(key)
        while len(worker.keys) > self.keys_kept:
            worker.keys.popitem(last=False)

    def _rest(self, now: float) -> None:
        """Let the workers past `idle_size` go once nobody has asked for anything for
        `idle_seconds`: an app nobody uses holds the least memory. They start again at the
        next job or prepare (`_wanted`)."""
        if now - self._last_asked < self.idle_seconds or self._jobs or self._prepares:
            return
        if self._to_start or self._starting or any(w.task or not w.ready for w in self._workers):
            return  # busy, or a worker still warming up (it could be the one kept)
        for worker in resting(self._workers, self.idle_size):
            LOG.info(
                "worker %s let go: nothing asked for %.0f s",
                worker.process.pid,
                now - self._last_asked,
            )
            self._leave(worker)

    def _wanted(self, now: float) -> None:
        """Someone asked: start the workers a rest let go."""
        self._last_asked = now
        present = len(self._workers) + self._to_start + self._starting
        self._to_start += max(0, self.size - present)

    def _replace_grown(self) -> None:
        """Grown workers leave, with spares started, as `renewal.renew` decides."""
        leaving, starts = renew(self._workers, self.size, self._to_start > 0)
        for worker in leaving:
            self._leave(worker)
        self._to_start += starts
        self.replacements += starts

    def _start_worker(self) -> None:
        """Count a worker to start once the lock is released (`_start_and_end`)."""
        self._to_start += 1

    def _leave(self, worker: Worker) -> None:
        """Take `worker` out of the pool now; it is ended once the lock is released."""
        if worker in self._workers:
            self._workers.remove(worker)
            self._to_end.append(worker)
