"""Helpers for browser tests: run the Streamlit app and drive it with Debian's Chromium.

Plain module (not a plugin): tests and conftest.py import it. POSIX only (process groups).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import psutil
import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

REPO_ROOT = Path(__file__).resolve().parents[2]
# Set to a file name, `running_app` writes the app's whole log there as it stops (worker
# starts, replacements, kills: what a benchmark's figures came from).
KEEP_LOG_VARIABLE = "LSE_KEEP_APP_LOG"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Streamlit (1.67) mirrors its frontend state on the root element:
#   data-test-connection-state: INITIAL, CONNECTING, CONNECTED, DISCONNECTED_FOREVER, ...
#   data-test-script-state: "initial" until the first run has an id, then
#     running / rerunRequested / stopRequested / notRunning / compilationError.
_IDLE_SCRIPT_STATES = ("notRunning", "compilationError")

# Polled in the page: true once the app has stayed idle for `settleMs`, or has lost its
# server for good (the caller then raises instead of waiting for the timeout).
_IDLE_PREDICATE = """
({settleMs, idleStates}) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const conn = app && app.getAttribute('data-test-connection-state');
  if (conn === 'DISCONNECTED_FOREVER') return true;
  const script = app && app.getAttribute('data-test-script-state');
  const idle = conn === 'CONNECTED' && idleStates.includes(script);
  if (!idle) { window.__stIdleSince = undefined; return false; }
  const now = performance.now();
  if (window.__stIdleSince === undefined) window.__stIdleSince = now;
  return now - window.__stIdleSince >= settleMs;
}
"""


def chromium_path() -> str:
    """Path of the system Chromium; fails in CI (CI=true) and skips elsewhere if missing."""
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI") == "true":
        pytest.fail("Debian chromium is required in CI")
    pytest.skip("chromium is not installed (Debian: apt-get install chromium)")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _read_log(log) -> str:
    log.flush()
    size = os.fstat(log.fileno()).st_size
    # pread leaves the shared file offset alone (the server appends to the same file).
    return os.pread(log.fileno(), size, 0).decode("utf-8", "replace")


def _health_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def _stop_process_tree(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """SIGTERM the server's process group, SIGKILL whatever is left after `grace` s."""
    try:
        descendants = psutil.Process(proc.pid).children(recursive=True)
    except psutil.Error:
        descendants = []
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=grace)
    # Workers still in the group (or that left it) once the server itself is gone.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    _, alive = psutil.wait_procs(descendants, timeout=grace)
    for child in alive:
        with contextlib.suppress(psutil.Error):
            child.kill()
    psutil.wait_procs(alive, timeout=grace)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


@contextlib.contextmanager
def running_app(
    port: int | None = None,
    env: Mapping[str, str] | None = None,
    app_path: str | os.PathLike[str] = "app.py",
    cwd: str | os.PathLike[str] | None = None,
    startup_timeout: float = 60.0,
) -> Iterator[str]:
    """Run `streamlit run <app_path>` (default: the repo's app.py) and yield its base URL.

    `env` entries are added to (and override) the current environment. On exit the whole
    process group is stopped, so worker processes started by the app go too.
    """
    workdir = Path(cwd) if cwd is not None else REPO_ROOT
    if not (workdir / app_path).is_file():
        raise FileNotFoundError(f"Streamlit app not found: {workdir / app_path}")
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app_path),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
    ]
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    # A file, not a pipe: nobody drains a pipe while tests run, and a full one blocks the server.
    with tempfile.TemporaryFile(mode="a+b", prefix="streamlit-", suffix=".log") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=workdir,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + startup_timeout
            while not _health_ok(f"{base_url}/_stcore/health"):
                if proc.poll() is not None:
                    raise RuntimeError(
                        f"streamlit exited with code {proc.returncode} before it was healthy:\n"
                        + _read_log(log)
                    )
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"streamlit was not healthy within {startup_timeout:.0f} s:\n"
                        + _read_log(log)
                    )
                time.sleep(0.2)
            yield base_url
        finally:
            _stop_process_tree(proc)
            if keep := os.environ.get(KEEP_LOG_VARIABLE):  # a benchmark's server log, to read
                Path(keep).write_text(_read_log(log), encoding="utf-8")


@contextlib.contextmanager
def browser_page(
    viewport: tuple[int, int] = (1400, 1000), color_scheme: str = "light"
) -> Iterator[Page]:
    """A fresh page in headless system Chromium (never a Playwright-downloaded browser)."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(
                viewport={"width": viewport[0], "height": viewport[1]},
                color_scheme=color_scheme,
            )
            yield context.new_page()
        finally:
            browser.close()


def wait_for_app_idle(page: Page, timeout_ms: float = 60_000, settle_ms: float = 500) -> str:
    """Wait until the app is connected and its script has finished running.

    The app must stay idle for `settle_ms` in a row, so a rerun that starts right after an
    interaction (or right after the first run) is waited for as well. Returns the final
    script state: "notRunning", or "compilationError" when app.py could not be compiled.
    """
    page.wait_for_selector(
        '[data-testid="stApp"] [data-testid="stAppViewContainer"]',
        state="attached",
        timeout=timeout_ms,
    )
    page.evaluate("() => { window.__stIdleSince = undefined; }")
    page.wait_for_function(
        _IDLE_PREDICATE,
        arg={"settleMs": settle_ms, "idleStates": list(_IDLE_SCRIPT_STATES)},
        polling=100,
        timeout=timeout_ms,
    )
    app = page.locator('[data-testid="stApp"]')
    if app.get_attribute("data-test-connection-state") == "DISCONNECTED_FOREVER":
        raise AssertionError("the app lost its connection to the Streamlit server")
    return app.get_attribute("data-test-script-state") or ""


def open_tab(page: Page, name: str) -> None:
    """Click a tab and wait for the rerun that draws it (tabs draw only while open)."""
    page.get_by_role("tab", name=name, exact=True).click()
    wait_for_app_idle(page)
