"""The Keras lane: Keras work the page needs besides training (a model's code, the Lab's
checks) runs in a worker process of its own and comes back as plain data.

The server never imports TensorFlow (it would start ~3 s slower, hold its memory and grow
~26 MB with every model it builds); a lane apart from the training workers means a visitor's
Lab never waits behind another visitor's training run. Results are deterministic, so they are
kept by what they computed, for every visitor, within a bound in bytes; a request identical to
one in flight joins it.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from concurrent.futures import Future

import numpy as np

from models.kept import KeptResults
from models.spec import ModelSpec
from models.workers import lane_work, processes
from models.workers.logs import LOGGER
from models.workers.pool import IDLE_SECONDS, WorkerPool
from models.workers.processes import TENSORFLOW_PRELOAD
from models.workers.sizing import LANE_GROWTH_CAP_MB

LOG = logging.getLogger(LOGGER)
KEPT_BYTES = 32 * 2**20  # results kept for every visitor (a Lab at the defaults: ~40 KB)
# Asked ahead of need (the open model's code) only while fewer than this wait: a crowd moving
# sliders must not queue work nobody may read; what a page asks for itself always goes.
MAX_AHEAD = 4


class KerasLane:
    """One worker (a spare while a grown one is renewed) that computes, in turn, what the
    page asks of Keras; `code(spec)` and `lab(sizes)` return futures of plain data."""

    def __init__(
        self,
        preload: tuple[str, ...] = TENSORFLOW_PRELOAD,
        task_memory_mb: float | None = None,
        kept_bytes: int = KEPT_BYTES,
        idle_seconds: float = IDLE_SECONDS,
    ):
        self._pool = WorkerPool(
            1,
            initializer=lane_work.warm_lane,
            growth_cap_mb=LANE_GROWTH_CAP_MB,
            preload=preload,
            task_memory_mb=task_memory_mb,
            idle_size=0,  # nobody has asked for a minute: no process held (~160 MB PSS)
            idle_seconds=idle_seconds,
        )
        self._lock = threading.Lock()
        self._pending: dict[tuple, Future] = {}
        self._kept = KeptResults(kept_bytes)

    def code(self, spec: ModelSpec) -> Future:
        """(source, "") or (None, why it cannot be written) for `spec`'s model."""
        return self._ask(("code", spec), lane_work.model_code, spec)

    def lab(self, sizes: ModelSpec) -> Future:
        """The Lab's demonstrations (`models.lab.runner.LabResult`) at `sizes`."""
        return self._ask(("lab", sizes), lane_work.lab_checks, sizes)

    def calls(self, spec: ModelSpec, layer: str, data, seed: int = 0, weights=None) -> Future:
        """Each call of `spec`'s layer object `layer` on one window of `data`
        (`models.lab.calls.CallInspection`): at the weights a Train with `seed` starts from,
        or at a finished run's `weights`."""
        key = ("calls", spec, layer, data, seed, _digest(weights))
        return self._ask(key, lane_work.call_inspection, (spec, layer, data, seed, weights))

    def ahead(self, spec: ModelSpec, sizes: ModelSpec) -> None:
        """Compute `spec`'s code and the Lab at `sizes` before anyone asks, unless the lane
        is busy (see MAX_AHEAD)."""
        for key, fn, arg in (
            (("code", spec), lane_work.model_code, spec),
            (("lab", sizes), lane_work.lab_checks, sizes),
        ):
            self._ask(key, fn, arg, optional=True)

    def _ask(self, key: tuple, fn, arg, optional: bool = False) -> Future | None:
        # The pool settles futures (running `_settle`) while holding its own lock: this lock
        # is never held while calling into the pool, or the two would wait on each other.
        with self._lock:
            known = self._known(key)
            if known is not None or (optional and len(self._pending) >= MAX_AHEAD):
                return known
        future = self._pool.submit(fn, arg, key=key)
        with self._lock:
            raced = self._known(key)  # another page asked the same meanwhile
            if raced is None:
                self._pending[key] = future
        if raced is not None:
            future.cancel()  # still waiting in the pool, surely: nothing ran
            return raced
        future.add_done_callback(lambda f: self._settle(key, f))
        return future

    def _known(self, key: tuple) -> Future | None:
        """A done future of a kept result, or the pending one; None if neither."""
        kept = self._kept.get(key)
        if kept is not None:
            done = Future()
            done.set_result(kept)
            return done
        return self._pending.get(key)

    def _settle(self, key: tuple, future: Future) -> None:
        """Keep a computed result; a failure (the worker died) is not kept: the next ask
        tries again."""
        with self._lock:
            self._pending.pop(key, None)
            if future.cancelled():  # the lane was shut down while it waited
                return
            if future.exception() is None:
                self._kept.put(key, future.result())
            elif not processes.INTERPRETER_EXITING.is_set():  # at exit every worker goes
                LOG.warning("keras lane: %s failed: %s", key[0], future.exception())

    def pids(self) -> list[int]:
        return self._pool.pids()

    def shutdown(self) -> None:
        self._pool.shutdown()


def _digest(arrays) -> str | None:
    """A run's weights as part of a key: what they are, not which list holds them."""
    if arrays is None:
        return None
    digest = hashlib.blake2b(digest_size=16)
    for array in arrays:
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()
