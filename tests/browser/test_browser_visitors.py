"""A public app's visitors, in the real page: a run whose tab was closed is cancelled within
20 s, and a run whose worker was killed shows the epochs it reached and why it ended."""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import psutil
import pytest

from models.workers.protocol import END_LINE
from support.browser import REPO_ROOT, browser_page, open_tab, running_app, wait_for_app_idle

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LONG_RUN = "?epochs=5000&samples=200"  # minutes of training: it only ends if it is ended
LIVE = REPO_ROOT / "static" / "live"


@pytest.fixture(scope="module")
def app():
    with running_app(env={"LSE_TRAIN_WORKERS": "1"}) as url:
        server = next(
            c.pid
            for c in psutil.net_connections("tcp")
            if c.laddr and c.laddr.port == int(url.rsplit(":", 1)[1]) and c.status == "LISTEN"
        )
        yield url, server


def _start_long_run(page, url: str) -> Path:
    """Open the Train tab, press Train, wait until epochs arrive; the run's progress file."""
    page.goto(f"{url}/{LONG_RUN}")
    wait_for_app_idle(page)
    open_tab(page, "Train")
    clicked = time.time()
    page.get_by_role("button", name="Train", exact=True).click()
    page.locator(".lse-progress-text", has_text="Epoch").first.wait_for(timeout=120_000)
    files = [f for f in LIVE.glob("*/*.csv") if f.stat().st_mtime >= clicked - 1]
    return max(files, key=lambda f: f.stat().st_mtime)


def _ended(progress: Path) -> bool:
    return progress.read_text(encoding="utf-8").rstrip().endswith(END_LINE)


def test_a_run_whose_tab_was_closed_is_cancelled_within_20_s(app):
    url, _ = app
    with browser_page() as page:
        progress = _start_long_run(page, url)
        page.context.close()  # the visitor leaves mid-run
        left = time.monotonic()
    while not _ended(progress):
        assert time.monotonic() - left < 20, "the departed visitor's run was still going"
        time.sleep(0.25)


def _worker_running_the_job(server: int) -> psutil.Process:
    workers = [p for p in psutil.Process(server).children(recursive=True) if p.pid != server]
    for worker in workers:
        worker.cpu_percent(None)
    time.sleep(1.0)
    return max(workers, key=lambda p: p.cpu_percent(None))  # the one training


def test_a_killed_workers_run_shows_the_epochs_it_reached(app):
    url, server = app
    with browser_page() as page:
        _start_long_run(page, url)
        some_epochs = re.compile(r"Epoch [1-9][\d,]* / ")  # the bar counts the epochs in
        page.locator(".lse-progress-text").filter(has_text=some_epochs).wait_for(timeout=60_000)
        os.kill(_worker_running_the_job(server).pid, signal.SIGKILL)
        page.get_by_text("stopped unexpectedly").wait_for(timeout=30_000)
        page.get_by_text("epochs it reached before it ended").wait_for(timeout=10_000)
        panel = page.locator('[role="tabpanel"]:visible')
        # the partial curve (Plotly's script loads when the page first needs it: wait for it)
        panel.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=30_000)
        assert panel.locator('[data-testid="stException"]').count() == 0
