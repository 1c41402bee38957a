"""The app's processes as a benchmark sees them: the PSS and CPU time of its whole process tree
(server, fork server, workers), and the visitors' browsers put below it for the CPU, as if they
ran on the visitors' own machines."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import psutil

from models.workers.processes import memory_mb

QUIET_CPU = 0.15  # CPU seconds per second below which the app counts as quiet
QUIET_MAX_SECONDS = 60.0


class TreeMemory:
    """PSS of a process and its descendants, sampled in a thread; `peak` in MB."""

    def __init__(self, pid: int):
        self.root, self.peak, self._stop = psutil.Process(pid), 0.0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def now(self) -> float:
        try:
            pids = [self.root.pid] + [c.pid for c in self.root.children(recursive=True)]
        except psutil.Error:
            return 0.0
        return sum(memory_mb(pid, "pss") for pid in pids)

    def cpu_seconds(self) -> tuple[float, float]:
        """CPU seconds used so far by (the server, its workers and their children)."""

        def used(process) -> float:
            try:
                times = process.cpu_times()
            except psutil.Error:
                return 0.0
            return times.user + times.system + times.children_user + times.children_system

        try:
            children = self.root.children(recursive=True)
        except psutil.Error:
            children = []
        server = self.root.cpu_times()
        return server.user + server.system, sum(used(c) for c in children)

    def wait_quiet(self, below: float = QUIET_CPU, longest: float = QUIET_MAX_SECONDS) -> float:
        """Wait until the app is quiet: its processes used under `below` CPU seconds in the last
        second (after a cold start, the workers have compiled their warm and ahead-of-time
        specs); seconds waited, at most `longest`."""
        start = time.perf_counter()
        used = sum(self.cpu_seconds())
        while time.perf_counter() - start < longest:
            time.sleep(1.0)
            now = sum(self.cpu_seconds())
            if now - used < below:
                break
            used = now
        return time.perf_counter() - start

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, self.now())

    def __enter__(self) -> TreeMemory:
        self.peak = self.now()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def server_pid(port: int) -> int:
    for conn in psutil.net_connections("tcp"):
        if conn.laddr and conn.laddr.port == port and conn.status == psutil.CONN_LISTEN:
            return conn.pid
    raise RuntimeError(f"no process listens on port {port}")


BROWSER_GROUP = Path("/sys/fs/cgroup/cpu/lse_browsers")  # cgroup v1's cpu controller


def browser_group() -> Path | None:
    """A CPU cgroup of the least weight for the browsers, if this host lets us make one (root,
    cgroup v1's `cpu` controller): its processes then run only on CPU nobody else wants. An
    idle group (`cpu.idle`) takes no `cpu.shares`, so the first that the kernel has is used."""
    try:
        BROWSER_GROUP.mkdir(exist_ok=True)
        idle = BROWSER_GROUP / "cpu.idle"
        if idle.exists():
            idle.write_text("1")
        else:
            (BROWSER_GROUP / "cpu.shares").write_text("2")
    except OSError:
        return None
    return BROWSER_GROUP


def browsers_below_the_app() -> None:
    """Put every Chromium process below the app's processes for the CPU (`--browsers-niced`):
    a visitor's browser runs on their own machine, not on the app's two cores. In the browser
    cgroup where there is one (new renderers are born in it); else each thread at idle
    scheduling priority, which still takes ~3/15 of a nice-19 worker's share per thread."""
    group = browser_group()
    for process in psutil.process_iter(["name"]):
        if "chrom" not in (process.info["name"] or "").lower():
            continue
        try:
            if group is not None:
                (group / "cgroup.procs").write_text(str(process.pid))
                continue
            for thread in process.threads():  # Linux keeps a policy per thread
                os.sched_setscheduler(thread.id, os.SCHED_IDLE, os.sched_param(0))
        except (psutil.Error, OSError):
            pass


def browsers_cpu_seconds() -> float:
    """CPU seconds used so far by every Chromium process on this machine (the visitors')."""
    total = 0.0
    for process in psutil.process_iter(["name", "cpu_times"]):
        times = process.info["cpu_times"]
        if times is not None and "chrom" in (process.info["name"] or "").lower():
            total += times.user + times.system
    return total
