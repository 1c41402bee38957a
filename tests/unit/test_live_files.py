"""Progress files the browser polls: each server's own folder, and the end line."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import Future

from models.workers.handle import JobHandle, Run
from models.workers.live_files import live_folder
from models.workers.protocol import END_LINE


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_server_gets_its_own_folder_and_clears_those_of_stopped_servers(tmp_path):
    stale = tmp_path / f"{_dead_pid()}-old"
    stale.mkdir()
    (stale / "run.csv").write_text("epoch\n")
    running = tmp_path / "1-running"  # pid 1 is always running
    running.mkdir()
    mine = live_folder(tmp_path)
    assert mine.parent == tmp_path and mine.name.startswith(f"{os.getpid()}-")
    assert not stale.exists() and running.exists()
    assert live_folder(tmp_path) != mine  # two services of one process never share


def test_the_end_line_is_not_an_epoch_and_a_half_written_line_waits(tmp_path):
    progress = tmp_path / "progress.csv"
    handle = JobHandle(1, Run(None, tmp_path, progress, Future(), 60.0))
    progress.write_text("epoch,train_total\n1,0.5\n2,0.4")  # epoch 2 still being written
    assert handle.rows().tolist() == [[1.0, 0.5]]
    assert handle.rows().tolist() == [[1.0, 0.5]]  # read once: nothing new, nothing twice
    with open(progress, "a", encoding="utf-8") as out:
        out.write(f"\n{END_LINE}\n")
    assert handle.rows().tolist() == [[1.0, 0.5], [2.0, 0.4]]
    assert list(handle.history().columns) == ["epoch", "train_total"]
