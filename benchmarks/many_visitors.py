"""Many visitors at once, through the real page in headless Chromium: what the last one waits.

Run: python benchmarks/many_visitors.py [--scenarios six,twelve,hostile]

Starts the app as `streamlit run app.py` would (the environment's LSE_* settings apply), opens
one browser context per visitor, lets every page draw, then:
  six      six visitors press Train at once, each on model 1's sizes with its own k (0-5):
           seconds from the first click to the last page saying "Finished" (goal < 12 s)
  twelve   twelve visitors with the same link press Train at once (goal < 8 s)
  hostile  two visitors open a link with the largest sizes the page accepts, press Train and
           close the tab; a third with the defaults presses Train: seconds to "Finished"
           (goal < 20 s), and what the two were told
Each visitor's "Finished" line is printed as their page words it (waiting for a worker,
compiling, training). `--browsers-niced` runs the browsers at the lowest CPU priority, as if
they were on the visitors' own machines rather than the app's two cores.
Throughout, a thread samples the PSS of the app's whole process tree (server, fork server,
workers) every 0.2 s: `peak_pss_mb` per scenario (budget: under 2,500 MB). Last line: JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import psutil  # noqa: E402

from models.workers.processes import memory_mb  # noqa: E402
from support.browser import browser_page, open_tab, running_app, wait_for_app_idle  # noqa: E402

SCENARIOS = ("six", "twelve", "hostile")
GOALS = {"six": 12.0, "twelve": 8.0, "hostile": 20.0}
HOSTILE = (
    "?variant=hard&k=7&features=16&timesteps=512&horizon=128"
    "&filters=256,256,256,256,256,256&kernel=1&units=1&epochs=5000&samples=2000&batch=32"
)
TIMEOUT_MS = 180_000
# A fresh "Finished" (not one left faded from an earlier script run).
FINISHED = """() => [...document.querySelectorAll('[data-testid="stElementContainer"]')]
  .filter(e => e.dataset.stale !== 'true').some(e => /Finished [\\d,]+ epochs/.test(e.innerText))"""

FINISHED_TEXT = """() => [...document.querySelectorAll('[data-testid="stElementContainer"]')]
  .filter(e => e.dataset.stale !== 'true').map(e => e.innerText)
  .find(t => /Finished [\\d,]+ epochs/.test(t)) || ''"""


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


def _server_pid(port: int) -> int:
    for conn in psutil.net_connections("tcp"):
        if conn.laddr and conn.laddr.port == port and conn.status == psutil.CONN_LISTEN:
            return conn.pid
    raise RuntimeError(f"no process listens on port {port}")


def _browsers_below_the_app() -> None:
    """Give every Chromium process the training workers' low CPU priority: a visitor's browser
    runs on their own machine, not on the app's two cores (`--browsers-niced`)."""
    for process in psutil.process_iter(["name"]):
        if "chrom" in (process.info["name"] or "").lower():
            try:  # Linux keeps a nice value per thread: each one, not just the main thread
                for thread in process.threads():
                    os.setpriority(os.PRIO_PROCESS, thread.id, 19)
            except (psutil.Error, OSError):
                pass


BROWSERS_NICED = False


def _open(browser, url: str, query: str):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    if BROWSERS_NICED:
        _browsers_below_the_app()
    page.goto(f"{url}/{query}")
    wait_for_app_idle(page)
    open_tab(page, "Train")
    return page


def _press_all_and_wait(pages) -> float:
    """Seconds from the first Train click to the last page saying Finished."""
    start = time.perf_counter()
    for page in pages:
        page.get_by_role("button", name="Train", exact=True).click(no_wait_after=True)
    for page in pages:
        page.wait_for_function(FINISHED, timeout=TIMEOUT_MS, polling=100)
    last = time.perf_counter() - start
    for page in pages:  # what each visitor waited for, as their page words it
        print("   ", page.evaluate(FINISHED_TEXT))
    return last


def run_crowd(browser, url: str, queries: list[str]) -> float:
    pages = [_open(browser, url, q) for q in queries]
    try:
        return _press_all_and_wait(pages)
    finally:
        for page in pages:
            page.context.close()


def run_hostile(browser, url: str) -> tuple[float, list[str]]:
    told = []
    for _ in range(2):
        page = _open(browser, url, HOSTILE)
        train = page.get_by_role("button", name="Train", exact=True)
        if train.is_enabled():  # refused before the click where the budget applies
            train.click(no_wait_after=True)
            page.wait_for_timeout(1500)  # what a visitor sees before leaving
        errors = page.locator('[role="tabpanel"]:visible [data-testid="stAlert"]')
        told.append(" / ".join(errors.all_inner_texts())[:300])
        page.context.close()
    return run_crowd(browser, url, [""]), told


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument(
        "--browsers-niced",
        action="store_true",
        help="run the browsers at the lowest CPU priority, as if on the visitors' own machines",
    )
    args = parser.parse_args()
    global BROWSERS_NICED
    BROWSERS_NICED = args.browsers_niced
    chosen = [s for s in args.scenarios.split(",") if s]
    figures: dict = {}
    with running_app() as url, browser_page() as first:
        browser = first.context.browser
        warm = _open(browser, url, "")  # the server and workers up, as for a returning class
        warm.context.close()
        with TreeMemory(_server_pid(int(url.rsplit(":", 1)[1]))) as memory:
            for name in chosen:
                memory.peak = memory.now()
                if name == "six":
                    seconds = run_crowd(browser, url, [f"?variant=hard&k={k}" for k in range(6)])
                elif name == "twelve":
                    seconds = run_crowd(browser, url, ["?variant=towers&k=1"] * 12)
                else:
                    seconds, told = run_hostile(browser, url)
                    figures["hostile_told"] = told
                figures[f"{name}_s"] = round(seconds, 2)
                figures[f"{name}_peak_pss_mb"] = round(memory.peak)
                goal = GOALS[name]
                print(
                    f"{name:8s} last finished {seconds:6.2f} s (goal < {goal:g})  "
                    f"peak PSS {memory.peak:,.0f} MB"
                )
            figures["idle_pss_mb"] = round(memory.now())
    figures["goals_s"] = {name: GOALS[name] for name in chosen}
    figures["browsers_niced"] = BROWSERS_NICED
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
