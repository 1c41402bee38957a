"""The single-use process a file loads in: its result or its error comes back, and over its
time or memory limit it is killed with a sentence for the page; it leaves nothing behind."""

from __future__ import annotations

import os
import tempfile
import threading
import time
from pathlib import Path

import psutil
import pytest

import models.uploads.isolated
from models.uploads.examples import model_file_bytes, siamese
from models.uploads.isolated import LoadStopped, run_isolated
from models.uploads.limits import MAX_LOADS, ModelUploadError
from models.uploads.loader import analyse_model_file

pytestmark = pytest.mark.slow  # starts the fork server (imports TensorFlow) once


def hold_memory(mb: int, seconds: float) -> None:
    """Write `mb` MB (so the pages are really the process's own), then wait."""
    block = bytearray(mb * 2**20)
    for at in range(0, len(block), 4096):
        block[at] = 1
    time.sleep(seconds)


def descendants() -> set[int]:
    return {p.pid for p in psutil.Process().children(recursive=True)}


def test_the_result_comes_from_a_process_of_its_own_that_then_exits():
    run_isolated(os.getpid)  # the fork server may start here
    before = descendants()
    pid = run_isolated(os.getpid)
    assert pid != os.getpid() and pid not in before
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert descendants() <= before


def test_the_process_is_the_first_the_kernel_would_kill():
    assert run_isolated(Path("/proc/self/oom_score_adj").read_text).strip() == "1000"


def test_its_temporary_folder_is_its_own_and_removed_after():
    folder = run_isolated(tempfile.gettempdir)
    assert Path(folder).name.startswith("lse-load-") and not Path(folder).exists()


def test_an_uploaded_file_is_analysed_and_a_refusal_comes_back_as_it_was_raised():
    assert run_isolated(analyse_model_file, model_file_bytes(siamese())).totals.total == 73
    with pytest.raises(ModelUploadError, match="This is not a `.keras` file"):
        run_isolated(analyse_model_file, b"PK\x03\x04 not really a zip")


def test_over_its_time_it_is_killed_with_a_sentence():
    before = descendants()
    with pytest.raises(LoadStopped, match=r"took longer than 0.5 s, the most this host allows"):
        run_isolated(time.sleep, 60, seconds=0.5)
    assert descendants() <= before  # killed and reaped, not left sleeping


def test_over_its_memory_it_is_killed_with_a_sentence():
    with pytest.raises(LoadStopped, match=r"needed more than 150 MB of memory to load"):
        run_isolated(hold_memory, 400, 60, memory_mb=150)


def test_a_process_that_dies_is_a_sentence_too():
    with pytest.raises(LoadStopped, match=r"stopped \(exit code 3"):
        run_isolated(os._exit, 3)


def test_a_load_waits_for_a_free_slot_and_says_so_when_none_frees(monkeypatch):
    monkeypatch.setattr(models.uploads.isolated, "_SLOTS", threading.BoundedSemaphore(1))
    holding = threading.Thread(target=run_isolated, args=(time.sleep, 3))
    holding.start()
    time.sleep(0.5)  # the thread holds the only slot by now (the fork server is warm)
    with pytest.raises(LoadStopped, match=f"{MAX_LOADS} other files were loading for 0.2 s"):
        run_isolated(os.getpid, seconds=0.2)
    holding.join()
    assert run_isolated(os.getpid) != os.getpid()  # the slot is free again
