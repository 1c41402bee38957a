"""One function run in a process of its own, started for it and ended after it, within a wall
time and a memory limit: whatever a visitor's file makes Keras do costs that process, never
the server or the training workers that run other visitors' jobs.

The process forks from the training pool's fork server (`processes.start_method`), where
TensorFlow is already imported, so it starts in a fraction of a second. The parent reads its
private memory every POLL_SECONDS and kills it over the limit; the kernel's out-of-memory
killer, should memory run out between two looks, picks it first (oom_score_adj 1000). No
RLIMIT_AS: TensorFlow reserves far more address space than it ever uses.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time

from models.uploads.limits import LOAD_MEMORY_MB, LOAD_SECONDS, MAX_LOADS, ModelUploadError
from models.workers import processes

POLL_SECONDS = 0.1
EXIT_GRACE_SECONDS = 5  # the child ends itself this long after its limit, if nobody did
_SLOTS = threading.BoundedSemaphore(MAX_LOADS)  # loads at once, for every session


class LoadStopped(ModelUploadError):
    """The process was stopped (time, memory) or died, or none was free; says which."""


def run_isolated(fn, *args, seconds: float = LOAD_SECONDS, memory_mb: float = LOAD_MEMORY_MB):
    """`fn(*args)` (picklable, returning picklable data) in a single-use process: its result,
    the exception it raised, or `LoadStopped` with a sentence for the page."""
    if not _SLOTS.acquire(timeout=seconds):
        raise LoadStopped(
            f"{MAX_LOADS} other files were loading for {seconds:g} s; upload yours again in a "
            "moment."
        )
    try:
        return _run_once(fn, args, seconds, memory_mb)
    finally:
        _SLOTS.release()


def _run_once(fn, args: tuple, seconds: float, memory_mb: float):
    context = processes.start_method(processes.TENSORFLOW_PRELOAD)  # the pools' fork server
    tmp = tempfile.mkdtemp(prefix="lse-load-")  # removed here however the child ends
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, args=(writer, tmp, seconds, fn, args))
    child.daemon = True
    try:
        child.start()
        writer.close()
        return _wait(child, reader, seconds, memory_mb)
    finally:
        if child.pid is not None:
            child.kill()  # a no-op once it has exited
            child.join()
        writer.close()
        reader.close()
        shutil.rmtree(tmp, ignore_errors=True)


def _wait(child, reader, seconds: float, memory_mb: float):
    deadline = time.monotonic() + seconds
    while True:
        if reader.poll(POLL_SECONDS):
            try:
                ok, value = reader.recv()
            except (EOFError, OSError):  # it closed the pipe without a word: it died
                break
            if ok:
                return value
            raise value
        if processes.memory_mb(child.pid, "private") > memory_mb:
            child.kill()
            raise LoadStopped(
                f"The model needed more than {memory_mb:,.0f} MB of memory to load, the most "
                "this host allows for one file; it was stopped there and nothing else was "
                "affected."
            )
        if not child.is_alive() and not reader.poll(0):
            break
        if time.monotonic() > deadline:
            child.kill()
            raise LoadStopped(
                f"Loading the model took longer than {seconds:g} s, the most this host allows "
                "for one file; it was stopped there."
            )
    child.join()
    how = "killed" if (child.exitcode or 0) < 0 else f"exit code {child.exitcode}"
    raise LoadStopped(
        f"The process loading this file stopped ({how}; the system may have run out of "
        "memory) before it finished. Nothing else was affected."
    )


def _child_main(conn, tmp: str, seconds: float, fn, args: tuple) -> None:
    """The single-use process: first in line for the out-of-memory killer, temporary files in
    `tmp`, a deadline of its own (should the server that started it die), one call, one
    reply, exit."""
    try:
        with open("/proc/self/oom_score_adj", "w", encoding="ascii") as score:
            score.write("1000")
    except OSError:  # not Linux: the parent's limits still hold
        pass
    os.environ["TMPDIR"] = tmp
    tempfile.tempdir = tmp
    ending = threading.Timer(seconds + EXIT_GRACE_SECONDS, os._exit, (1,))
    ending.daemon = True
    ending.start()
    try:
        outcome = (True, fn(*args))
    except Exception as error:
        outcome = (False, error)
    try:
        conn.send(outcome)  # pickled first: a failure there sends nothing
    except Exception as error:  # an unpicklable result or exception
        conn.send((False, RuntimeError(f"{type(error).__name__}: {str(error)[:300]}")))
    conn.close()
