"""Worker processes of `models.workers.pool`: their start, their life and their end, and how
much memory a process holds."""

from __future__ import annotations

import atexit
import ctypes
import multiprocessing
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

# Set as the interpreter exits, before multiprocessing's own exit handler (registered earlier,
# so run later) stops the workers: a pool must not take those deaths for crashes and respawn.
INTERPRETER_EXITING = threading.Event()
atexit.register(INTERPRETER_EXITING.set)


# What the fork server imports before it forks a worker: TensorFlow, Keras and the training code,
# loaded once and shared by every worker's pages. Both pools (training and the Keras lane) name
# this one tuple: a process has one fork server, and the first pool to start it sets its preload.
TENSORFLOW_PRELOAD = ("models.workers.preload",)


def start_method(preload: tuple[str, ...] = ()):
    """The multiprocessing context workers start with: forked from a fork server that imported
    `preload` once, where the platform has one (Linux), else spawned afresh.

    Forked workers share the fork server's pages of those modules until they write to them:
    with TensorFlow preloaded and the server's objects frozen out of the garbage collector's
    reach (`models.workers.preload`), the fork server and two warm workers hold ~970 MB PSS
    where two spawned workers held ~1,105 MB, and a new worker is ready without importing
    TensorFlow. The fork server is forked from nothing but that import: not from the
    Streamlit server, whose threads a fork would copy mid-step.
    """
    if not preload or "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(preload))  # one fork server per process: the first wins
    return context


OWNER_CHECK_SECONDS = 1.0  # how often a worker looks whether the server that started it lives
# The kernel's out-of-memory killer picks the process with the highest score first: a worker,
# never the server (which would take every visitor's page with it).
OOM_SCORE_ADJ = 1000


def worker_main(conn, tmp: str, initializer, initargs, owner_pid: int | None = None) -> None:
    """A worker's life: initialise, say which keys it has warmed, then run tasks until told.
    A server that has gone away (closed pipe, or `owner_pid` gone mid-task) ends it."""
    os.environ["TMPDIR"] = tmp  # before TensorFlow loads: its temporary files go here
    tempfile.tempdir = tmp
    _first_to_be_killed()
    if owner_pid is not None:
        threading.Thread(target=_exit_with, args=(owner_pid,), daemon=True).start()
    try:
        warmed = initializer(*initargs) if initializer else ()
        _trim_heap()  # before "ready": the pool's memory baseline is taken then
        conn.send(("ready", list(warmed or ())))
        while (message := conn.recv()) is not None:
            _reply(conn, *message)
            _trim_heap()
    except (EOFError, OSError):  # BrokenPipeError included
        return


def _first_to_be_killed() -> None:
    try:
        with open("/proc/self/oom_score_adj", "w", encoding="ascii") as score:
            score.write(str(OOM_SCORE_ADJ))
    except OSError:  # not Linux, or not allowed: the limits in the pool still hold
        pass


def _exit_with(owner_pid: int) -> None:
    """Exit at once when the server that started this worker has gone (killed, say): a run
    nobody can see must not go on holding a core and memory."""
    while True:
        time.sleep(OWNER_CHECK_SECONDS)
        if not alive(owner_pid):
            os._exit(0)


def alive(pid: int) -> bool:
    """Whether a process with this id exists (signal 0 only asks)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, owned by someone else
        pass
    return True


def kill(process) -> None:
    """End a worker at once (SIGKILL): the pool then fails its task and replaces it."""
    try:
        process.kill()
    except (OSError, ValueError):  # already gone, or closed
        pass


# glibc's malloc_trim, from the C library the interpreter runs on (None where there is none)
_MALLOC_TRIM = getattr(ctypes.CDLL(None), "malloc_trim", None)


def _trim_heap() -> None:
    """Hand the heap's free pages back to the system (glibc's malloc_trim; elsewhere nothing).

    A task frees most of what it allocated (tracing, the run's arrays), but the allocator keeps
    those pages: an idle worker held ~25-35 MB more without this. It does not stop the growth
    that has workers replaced (objects TensorFlow keeps), only what sits free between tasks.
    """
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def _reply(conn, fn, args) -> None:
    """Send (True, result) or (False, the error): the caller sees it through its future."""
    try:
        outcome = (True, fn(*args))
    except Exception as error:
        outcome = (False, error)
    try:
        conn.send(("done", outcome))  # pickles first: a failure there writes nothing
    except OSError:
        raise
    except Exception as error:  # an unpicklable result or error
        conn.send(("done", (False, RuntimeError(f"{type(error).__name__}: {error}"))))


def start_process(context, tmp: Path, initializer, initargs):
    """Spawn a worker whose temporary files go to `tmp`; returns (process, our pipe end)."""
    tmp.mkdir()
    ours, theirs = context.Pipe()
    process = context.Process(
        target=worker_main,
        args=(theirs, str(tmp), initializer, initargs, os.getpid()),
        daemon=True,
    )
    process.start()
    theirs.close()
    return process, ours


def end_process(process, conn, tmp: Path) -> None:
    """Ask a worker to exit (kill it if it will not), then remove its temporary folder."""
    if process.is_alive():
        try:
            conn.send(None)
        except OSError:
            pass
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
            process.join()
    conn.close()
    shutil.rmtree(tmp, ignore_errors=True)


_MEMORY_FIELDS = {
    "rss": ("status", "VmRSS:"),
    "pss": ("smaps_rollup", "Pss:"),
    "private": ("smaps_rollup", "Private_Dirty:"),
}


def memory_mb(pid: int, kind: str = "private") -> float:
    """A process's memory in MB, 0 if it is gone: "private", what it wrote that no other process
    shares; "rss", resident; "pss", proportional.

    Private memory is what a leak makes grow. RSS would also grow as a forked worker first runs
    library code its fork server has loaded (shared pages, faulted in as used). PSS splits
    shared pages (TensorFlow's ~470 MB of libraries) among the processes using them, so summing
    PSS over a process tree counts them once.
    """
    name, field_name = _MEMORY_FIELDS[kind]
    try:
        with open(f"/proc/{pid}/{name}", encoding="ascii") as source:
            for line in source:
                if line.startswith(field_name):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0
