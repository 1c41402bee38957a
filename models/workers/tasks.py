"""What the worker pool keeps about a task and a worker, and why a task's worker was ended.

Plain records, apart from `models.workers.pool` so that the pool's policy modules
(`placement`) and its tests can use the same shapes.
"""

from __future__ import annotations

from collections import OrderedDict
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path


class WorkerEnded(BrokenProcessPool):
    """A task's worker was ended on purpose or died; `reason` is a sentence for the page."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Task:
    fn: object
    args: tuple
    key: object = None  # affinity: a worker that ran this key has it compiled
    owner: object = None  # who asked (a visitor): owners are served in turn
    ahead: bool = False  # a prepare: run ahead of need, its result unused
    passed: int = 0  # later jobs that started before it (see `placement.OVERTAKES`)
    seconds: float | None = None  # expected seconds where its key is compiled (None: unknown)
    compile_seconds: float = 0.0  # and the seconds more where it is not
    future: Future = field(default_factory=Future)
    end_reason: str = ""  # set when the pool ends its worker on purpose (over memory, killed)


@dataclass
class Worker:
    process: object
    conn: object
    tmp: Path
    ready: bool = False
    baseline_mb: float = 0.0
    task: Task | None = None
    free_at: float | None = None  # when its task should end (time.monotonic), if known
    keys: OrderedDict = field(default_factory=OrderedDict)  # most recently used last
    retiring: bool = False
