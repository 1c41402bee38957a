"""How many training workers a machine gets: one per core, as far as memory allows."""

from __future__ import annotations

import os

import pytest

from models.workers.sizing import (
    FORK_SERVER_MB,
    LANE_MB,
    SERVER_MB,
    WORKER_MB,
    default_workers,
    usable_cores,
)

FIXED = SERVER_MB + FORK_SERVER_MB + LANE_MB  # memory taken before any training worker


@pytest.mark.parametrize(
    ("cores", "memory_mb", "workers"),
    [
        (2, 16_000, 2),  # plenty of memory: one per core
        (8, FIXED + 3 * WORKER_MB + 1, 3),  # memory for three workers only
        (2, FIXED + WORKER_MB - 1, 1),  # not even one fits: one anyway, training must run
        (4, 690, 1),  # Community Cloud's smallest allowance
        (2, 2_700, 2),  # and its largest, on 2 cores
    ],
)
def test_one_worker_per_core_that_memory_allows(cores, memory_mb, workers):
    assert default_workers(cores=cores, memory_mb_available=memory_mb) == workers


def test_the_apps_tree_budget_caps_the_workers_on_a_big_host():
    assert default_workers(cores=8, memory_mb_available=64_000) == 8
    budget = FIXED + 2 * WORKER_MB + 1  # LSE_MAX_TREE_MB: room for two
    assert default_workers(cores=8, memory_mb_available=64_000, tree_mb=budget) == 2
    assert default_workers(cores=8, memory_mb_available=FIXED + WORKER_MB, tree_mb=budget) == 1


def test_the_container_cpu_quota_caps_the_cores(tmp_path):
    quota = tmp_path / "cpu.max"
    quota.write_text("150000 100000\n")  # 1.5 cores' time: two workers would share 1.5
    assert usable_cores(quota) == min(2, len(os.sched_getaffinity(0)))
    quota.write_text("50000 100000\n")
    assert usable_cores(quota) == 1
    quota.write_text("max 100000\n")
    assert usable_cores(quota) == len(os.sched_getaffinity(0))
    assert usable_cores(tmp_path / "missing") == len(os.sched_getaffinity(0))
