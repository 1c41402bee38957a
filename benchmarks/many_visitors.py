"""Many visitors at once, through the real page in headless Chromium: what the last one waits.

Run: python benchmarks/many_visitors.py [--scenarios six,twelve,hostile]

Starts the app as `streamlit run app.py` would (the environment's LSE_* settings apply), opens
one browser context per visitor, lets every page draw, then:
  six      six visitors press Train at once, each on model 1's sizes with its own k (0-5):
           seconds from the first click to the last page saying "Finished" (goal < 12 s),
           and the longest any visitor waited from their own click, by the pages' clocks
  twelve   twelve visitors with the same link press Train at once (goal < 8 s)
  hostile  two visitors open a link with the largest sizes the page accepts, press Train and
           close the tab; a third with the defaults presses Train: seconds to "Finished"
           (goal < 20 s), and what the two were told
The clicks come once the app is quiet (the pages' specs compiled ahead, as while a class
reads the page before pressing), or with `--click-on-load` as soon as every page has drawn.
Each visitor's "Finished" line is printed as their page words it (waiting for a worker,
compiling, training). `--browsers-niced` puts the browsers below the app for the CPU (a cgroup of
the least weight where the host allows it), as if they ran on the visitors' own machines
rather than on the app's two cores.
Throughout, a thread samples the PSS of the app's whole process tree (server, fork server,
workers) every 0.2 s: `peak_pss_mb` per scenario (budget: under 2,500 MB). Last line: JSON.
With LSE_KEEP_APP_LOG=<file> the app's log is kept there (worker starts, joined runs, kills).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from app_processes import (  # noqa: E402
    TreeMemory,
    browsers_below_the_app,
    browsers_cpu_seconds,
    server_pid,
)

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


BROWSERS_NICED = False
SETTLE = True  # --click-on-load: press Train as soon as the pages have drawn


def _open(browser, url: str, query: str):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    if BROWSERS_NICED:
        browsers_below_the_app()
    page.goto(f"{url}/{query}")
    wait_for_app_idle(page)
    open_tab(page, "Train")
    return page


# Installed in each page before the clicks: the page's own clock notes its Train click and the
# first moment it says Finished, so a page drawn late is not timed by when the script looked.
WATCH = (
    """() => { const finished = """
    + FINISHED
    + """;
  window.__lseClicked = null; window.__lseDone = null;
  document.addEventListener('click', () => { window.__lseClicked ??= Date.now(); }, true);
  setInterval(() => {
    if (window.__lseClicked !== null && window.__lseDone === null && finished())
      window.__lseDone = Date.now();
  }, 100); }"""
)


# Each page presses its visible Train button at the same moment `at` (ms, the pages' shared
# clock): the visitors of a class press at once. Clicked one page after another instead, each
# click waited for a renderer starved by the runs the earlier clicks had started (the sixth
# came 12-19 s after the first, with the workers idle in between, waiting for it).
CLICK_AT = """at => setTimeout(() => [...document.querySelectorAll('button')]
  .find(b => b.innerText.trim() === 'Train' && b.offsetParent !== null).click(),
  Math.max(0, at - Date.now()))"""
CLICK_LEAD_MS = 1500  # time to set up every page's click first


def _press_all_and_wait(pages, memory: TreeMemory | None) -> dict:
    """Seconds from the first Train click to the last page saying Finished (`last`), and the
    longest one visitor waited from their own click (`longest`), by the pages' clocks."""
    cpu_before = memory.cpu_seconds() if memory else (0.0, 0.0)
    browsers_before = browsers_cpu_seconds()
    for page in pages:
        page.evaluate(WATCH)
    at = pages[0].evaluate("() => Date.now()") + CLICK_LEAD_MS
    for page in pages:
        page.evaluate(CLICK_AT, at)
    for page in pages:
        page.wait_for_function("() => window.__lseDone !== null", timeout=TIMEOUT_MS)
    marks = [page.evaluate("() => [window.__lseClicked, window.__lseDone]") for page in pages]
    first = min(clicked for clicked, _ in marks)
    print(
        "    clicks at "
        + ", ".join(f"{(c - first) / 1000:.1f}" for c, _ in marks)
        + " s; finished at "
        + ", ".join(f"{(d - first) / 1000:.1f}" for _, d in marks)
        + " s"
    )
    if memory:
        server, workers = (b - a for a, b in zip(cpu_before, memory.cpu_seconds(), strict=True))
        browsers = browsers_cpu_seconds() - browsers_before
        print(
            f"    CPU meanwhile: server {server:.1f} s, workers {workers:.1f} s, "
            f"browsers {browsers:.1f} s"
        )
    for page in pages:  # what each visitor waited for, as their page words it
        print("   ", page.evaluate(FINISHED_TEXT))
    return {
        "last": max(d for _, d in marks) / 1000 - first / 1000,
        "longest": max(d - c for c, d in marks) / 1000,
    }


def run_crowd(browser, url: str, queries: list[str], memory: TreeMemory | None = None) -> dict:
    pages = [_open(browser, url, q) for q in queries]
    try:
        if memory and SETTLE:
            # as a class reads the page before the teacher says "press Train"
            print(f"    the app was quiet {memory.wait_quiet():.1f} s after the pages had loaded")
        return _press_all_and_wait(pages, memory)
    finally:
        for page in pages:
            page.context.close()


def run_hostile(browser, url: str) -> tuple[dict, list[str]]:
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
    parser.add_argument(
        "--click-on-load",
        action="store_true",
        help="press Train as soon as every page has drawn, while specs may still compile ahead",
    )
    args = parser.parse_args()
    global BROWSERS_NICED, SETTLE
    BROWSERS_NICED, SETTLE = args.browsers_niced, not args.click_on_load
    chosen = [s for s in args.scenarios.split(",") if s]
    figures: dict = {}
    with running_app() as url, browser_page() as first:
        browser = first.context.browser
        warm = _open(browser, url, "")  # the server and workers up, as for a returning class
        warm.context.close()
        with TreeMemory(server_pid(int(url.rsplit(":", 1)[1]))) as memory:
            for name in chosen:
                memory.peak = memory.now()
                if name == "six":
                    queries = [f"?variant=hard&k={k}" for k in range(6)]
                    seconds = run_crowd(browser, url, queries, memory)
                elif name == "twelve":
                    seconds = run_crowd(browser, url, ["?variant=towers&k=1"] * 12, memory)
                else:
                    seconds, told = run_hostile(browser, url)
                    figures["hostile_told"] = told
                figures[f"{name}_s"] = round(seconds["last"], 2)
                figures[f"{name}_longest_wait_s"] = round(seconds["longest"], 2)
                figures[f"{name}_peak_pss_mb"] = round(memory.peak)
                goal = GOALS[name]
                print(
                    f"{name:8s} last finished {seconds['last']:6.2f} s after the first click "
                    f"(goal < {goal:g}); longest wait from a visitor's own click "
                    f"{seconds['longest']:.2f} s; peak PSS {memory.peak:,.0f} MB"
                )
            figures["idle_pss_mb"] = round(memory.now())
    figures["goals_s"] = {name: GOALS[name] for name in chosen}
    figures["browsers_niced"] = BROWSERS_NICED
    figures["clicked_when_quiet"] = SETTLE
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
