"""What the training service does on its own (`models.workers.housekeeping`), on plain runs:
leases, deadlines, a stop that did not land, old files."""

from __future__ import annotations

import os
import time
from concurrent.futures import Future

from models.workers import housekeeping
from models.workers.handle import JobHandle, Run
from models.workers.housekeeping import FILES_KEEP_SECONDS, LEASE_SECONDS, STOP_GRACE_SECONDS
from models.workers.protocol import STARTED_FILE, STOP_FILE


def _run(tmp_path, name="run", deadline=600.0) -> Run:
    folder = tmp_path / name
    folder.mkdir()
    future = Future()
    future.set_running_or_notify_cancel()  # a worker has it: it cannot be cancelled any more
    return Run(None, folder, folder / "progress.csv", future, deadline)


def _never(run, reason):
    raise AssertionError(f"no worker should be ended ({reason})")


def test_a_run_whose_visitors_all_went_quiet_is_stopped(tmp_path):
    run = _run(tmp_path)
    first, second = JobHandle(1, run, "ann"), JobHandle(2, run, "bob")
    now = time.monotonic()
    first.touch()
    run.watchers[2] = now - LEASE_SECONDS - 1  # bob's page stopped polling
    housekeeping.look([run], _never, now=now)
    assert run.stop_asked is None and list(run.watchers) == [1]  # ann still watches
    housekeeping.look([run], _never, now=now + LEASE_SECONDS + 1)
    assert run.stop_asked is not None and (run.folder / STOP_FILE).exists()
    assert "nobody was watching" in run.stop_reason
    assert second.left is False  # bob's handle is not told anything: his page is gone


def test_a_script_handle_without_a_visitor_is_never_leased(tmp_path):
    run = _run(tmp_path)
    JobHandle(1, run, None)
    housekeeping.look([run], _never, now=time.monotonic() + 10 * LEASE_SECONDS)
    assert run.stop_asked is None


def test_a_run_past_its_deadline_is_stopped_then_its_worker_ended_if_it_goes_on(tmp_path):
    run = _run(tmp_path, deadline=30.0)
    JobHandle(1, run, "ann")
    (run.folder / STARTED_FILE).write_text("1")
    os.utime(run.folder / "started", (time.time() - 31, time.time() - 31))
    now = time.monotonic()
    housekeeping.look([run], _never, now=now)
    assert "time limit" in run.stop_reason and (run.folder / STOP_FILE).exists()
    ended = []
    housekeeping.look([run], lambda r, why: ended.append(why), now=now + STOP_GRACE_SECONDS / 2)
    assert ended == []  # still within its grace period
    housekeeping.look([run], lambda r, why: ended.append(why), now=now + STOP_GRACE_SECONDS + 1)
    assert ended == [run.stop_reason]


def test_one_visitor_stopping_a_shared_run_leaves_it_to_the_others(tmp_path):
    run = _run(tmp_path)
    ann, bob = JobHandle(1, run, "ann"), JobHandle(2, run, "bob")
    ann.stop()
    assert ann.done() and run.stop_asked is None and not run.future.cancelled()
    assert "goes on for the other visitors" in ann.outcome()[1]
    bob.stop()
    assert run.stop_asked is not None and (run.folder / STOP_FILE).exists()


def test_files_of_runs_ended_long_ago_are_removed_unless_kept_as_answers(tmp_path):
    old, kept, recent = (_run(tmp_path, n) for n in ("old", "kept", "recent"))
    now = time.monotonic()
    old.ended = kept.ended = now - FILES_KEEP_SECONDS - 1
    recent.ended = now
    still = housekeeping.clear_old_files([old, kept, recent], keep={kept}, now=now)
    assert still == [kept, recent]
    assert not old.folder.exists() and kept.folder.exists() and recent.folder.exists()
