"""One worker process's side of `models.training.pool`, and how much memory a process holds."""

from __future__ import annotations

import os
import tempfile


def worker_main(conn, tmp: str, initializer, initargs) -> None:
    """A worker's life: initialise, say which keys it has warmed, then run tasks until told."""
    os.environ["TMPDIR"] = tmp  # before TensorFlow loads: its temporary files go here
    tempfile.tempdir = tmp
    warmed = initializer(*initargs) if initializer else ()
    conn.send(("ready", list(warmed or ())))
    while (message := conn.recv()) is not None:
        fn, args = message
        try:
            reply = ("done", (True, fn(*args)))
        except Exception as error:  # the caller sees it through the task's future
            reply = ("done", (False, error))
        try:
            conn.send(reply)
        except Exception as error:  # an unpicklable result or error
            conn.send(("done", (False, RuntimeError(f"{type(error).__name__}: {error}"))))


_MEMORY_FIELDS = {"rss": ("status", "VmRSS:"), "pss": ("smaps_rollup", "Pss:")}


def memory_mb(pid: int, kind: str = "rss") -> float:
    """A process's resident ("rss") or proportional ("pss") memory in MB; 0 if it is gone.

    RSS is what a leak makes grow. PSS splits shared pages (TensorFlow's ~470 MB of libraries)
    among the processes using them, so summing PSS over a process tree counts them once.
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
