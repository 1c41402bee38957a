"""How many training workers a machine can run: one per core that memory also allows."""

from __future__ import annotations

import math
import os
from pathlib import Path

WORKERS_VARIABLE = "LSE_TRAIN_WORKERS"
# A worker whose private memory has grown by this much is replaced (models.workers.pool). A
# compiled spec costs a forked worker ~25-55 MB: at 100 MB a class of six visitors' specs
# (three per worker, besides the warm ones) had the workers replaced mid-burst, losing what they
# had compiled ahead and compiling the warm specs again while visitors waited.
GROWTH_CAP_MB = 200.0
# Keras keeps ~26 MB per distinct model built: the Keras lane's worker is renewed past this.
LANE_GROWTH_CAP_MB = 300.0
# Measured as PSS (benchmarks/soak.py, benchmarks/cold_start.py): a worker forked with Compare's
# first list compiled, at most up to its cap; the fork server it comes from, once (TensorFlow's
# import, shared by every worker); the Keras lane's worker, up to its cap;
# the Streamlit server, which never imports TensorFlow (~150 MB), with the page's caches.
WORKER_MB = 280 + GROWTH_CAP_MB
FORK_SERVER_MB = 280
LANE_MB = 160 + LANE_GROWTH_CAP_MB
SERVER_MB = 250


def default_workers(
    cores: int | None = None,
    memory_mb_available: float | None = None,
    tree_mb: float | None = None,
) -> int:
    """One worker per core the container may use that its memory, and the app's whole-tree
    budget `tree_mb` (`LSE_MAX_TREE_MB`) where given, can also hold (at least one)."""
    cores = cores or usable_cores()
    memory = memory_mb_available if memory_mb_available is not None else _memory_limit_mb()
    if tree_mb is not None:
        memory = min(memory, tree_mb)
    fixed = SERVER_MB + FORK_SERVER_MB + LANE_MB
    return max(1, min(cores, int((memory - fixed) // WORKER_MB)))


def usable_cores(cpu_max: Path = Path("/sys/fs/cgroup/cpu.max")) -> int:
    """The cores this process may use: its CPU affinity, lowered to the container's CPU quota
    (cgroup v2 `cpu.max`, "quota period"), which `os.sched_getaffinity` does not see."""
    cores = len(os.sched_getaffinity(0))
    try:
        quota, period = cpu_max.read_text(encoding="ascii").split()[:2]
    except (OSError, ValueError):
        return cores
    if quota == "max" or not quota.isdigit() or not period.isdigit() or int(period) == 0:
        return cores
    return max(1, min(cores, math.ceil(int(quota) / int(period))))


def _memory_limit_mb() -> float:
    """The container's memory limit (cgroup v2 or v1), else the machine's available memory."""
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(path).read_text(encoding="ascii").strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < 2**60:  # "max" or a huge number: no limit
            return int(text) / 2**20
    with open("/proc/meminfo", encoding="ascii") as info:
        fields = dict(line.split(":", 1) for line in info)
    return int(fields["MemAvailable"].split()[0]) / 1024
