"""How long a person waits in the page, in real Chromium: click -> the page says it is done.

Run: python benchmarks/page_speed.py [--rows train,retrain,model2,compare,sweep]

Starts the app (as `streamlit run app.py` would, with the environment's LSE_TRAIN_WORKERS),
opens it in headless Debian Chromium, lets one tiny run warm a worker (as the issue measured:
"a worker warmed by one earlier run"), then times, from the click:
  train     model 1 (default URL and epochs), spec new to the worker -> "Finished 60 epochs"
  retrain   the same again (same spec and seed)                       -> a new run's "Finished"
  model2    model 2 (?variant=towers&k=1), default epochs              -> "Finished 60 epochs"
  compare   the 3 default configurations + "All conv layers shared", Train all -> results table
  sweep     "Sweep relatedness 0 → 1" (18 runs)                       -> the sweep's reading
Between page load and click only what a person needs happens: the page draws, a tab opens.

For the three training rows, `<row>_page_says` is the training time the page reports
("Finished 60 epochs in 1.3 s", the worker's own time): the rest of the row is the page's.
Liveness, measured on the way: `live_updates_per_s`, how often the Train tab's progress text
changed while model 1 trained 2,000 epochs on 100 windows (first to last change), and
`click_response_s`, the time from flipping Compare's "Per task" toggle during the comparison
(once its growing chart is up) to the page redrawn with one loss panel per task. Last line:
JSON with every figure in seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from models.training.engine import TrainConfig  # noqa: E402
from support.browser import browser_page, open_tab, running_app, wait_for_app_idle  # noqa: E402

ROWS = ("train", "retrain", "model2", "compare", "sweep")
GOALS = {"train": 3.0, "retrain": 1.5, "model2": 3.0, "compare": 8.0, "sweep": 12.0}
TIMEOUT_MS = 240_000
WARM_URL = "?filters=4,8&units=16&epochs=20&samples=40"  # a tiny spec: the worker's first job

# Some element of this script run (not one left faded from the last run until it is
# replaced) says `pattern`: a retrain's old "Finished" stays on the page while the click's run
# draws, and must not count as the new one.
FRESH_TEXT = """() => [...document.querySelectorAll('[data-testid="stElementContainer"]')]
  .filter(e => e.dataset.stale !== 'true').map(e => e.innerText).join('\\n')"""
FRESH_SAYS = f"""(pattern) => new RegExp(pattern).test(({FRESH_TEXT})())"""
# Records the time of every change of the Train tab's progress text ("Epoch n / N ...").
WATCH_PROGRESS = """() => {
  window.__progress = [];
  const seen = () => {
    const bar = document.querySelector('.lse-progress-text');
    const text = bar ? bar.innerText : '';
    const last = window.__progress.at(-1);
    if (text.startsWith('Epoch') && (!last || last[1] !== text))
      window.__progress.push([performance.now(), text]);
  };
  new MutationObserver(seen).observe(document.body,
    {subtree: true, childList: true, characterData: true});
}"""
# Loss panels on the Compare tab: a finished chart's Plotly subplots, or a growing chart's
# panels (`components.live.chart` draws each as a cell of its last grid).
PANELS = """() => Math.max(0,
  ...[...document.querySelectorAll('[role="tabpanel"] [data-testid="stPlotlyChart"]')]
    .map(c => c.querySelectorAll('.cartesianlayer > g.subplot').length),
  ...[...document.querySelectorAll('[role="tabpanel"] .lse-live')]
    .map(c => c.lastElementChild.childElementCount))"""


def _wait_for(page, pattern: str) -> None:
    """Until an element of the current script run says `pattern` (a regular expression)."""
    page.wait_for_function(FRESH_SAYS, arg=pattern, timeout=TIMEOUT_MS, polling=50)


def _run_id(page) -> int:
    """The id of the newest run the Train tab names ("Run 7: ..."), 0 if none."""
    text = page.evaluate("() => document.body.innerText")
    return max((int(n) for n in re.findall(r"Run (\d+):", text)), default=0)


def _page_says_seconds(page) -> float:
    """The training time the page reports ("Finished 60 epochs in 1.3 s"): the worker's own
    time, so the rest of a row is the page's (the click, the live view, the finish)."""
    text = page.evaluate(f"() => ({FRESH_TEXT})()")
    return float(re.findall(r"Finished [\d,]+ epochs in ([\d.]+) s", text)[-1])


def _click_train(page, epochs: int) -> tuple[float, float]:
    """Click Train; (seconds until this new run's "Finished <epochs> epochs" shows, the seconds
    the page says it trained)."""
    previous = _run_id(page)
    start = time.perf_counter()
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_function(
        f"() => /Run (\\d+):/.test(document.body.innerText) && "
        f"Math.max(...[...document.body.innerText.matchAll(/Run (\\d+):/g)].map(m => +m[1])) "
        f"> {previous}",
        timeout=TIMEOUT_MS,
        polling=50,
    )
    _wait_for(page, f"Finished {epochs:,} epochs in")
    seconds = time.perf_counter() - start
    wait_for_app_idle(page)
    return seconds, _page_says_seconds(page)


def _train_tab(page, url: str) -> None:
    page.goto(url)
    wait_for_app_idle(page)
    open_tab(page, "Train")


def warm_worker(page, url: str) -> None:
    """One tiny run, so a worker is up and has trained once before anything is timed."""
    _train_tab(page, f"{url}/{WARM_URL}")
    _click_train(page, 20)


def time_training(page, url: str) -> dict:
    """Model 1 new, model 1 again, model 2: click to "Finished"."""
    _train_tab(page, f"{url}/")
    epochs = TrainConfig().epochs  # the page's default
    first = _click_train(page, epochs)
    again = _click_train(page, epochs)
    _train_tab(page, f"{url}/?variant=towers&k=1")
    runs = {"train": first, "retrain": again, "model2": _click_train(page, epochs)}
    figures = {}
    for name, (seconds, says) in runs.items():
        figures[name], figures[f"{name}_page_says"] = seconds, says
    return figures


def live_rate(page, url: str) -> float:
    """Progress-text changes per second while model 1 trains 2,000 epochs (on 100 windows, a
    few seconds: long enough to count)."""
    _train_tab(page, f"{url}/?epochs=2000&samples=100")
    page.evaluate(WATCH_PROGRESS)
    _click_train(page, 2000)
    changes = page.evaluate("() => window.__progress.map(p => p[0])")
    if len(changes) < 2:
        return 0.0
    return (len(changes) - 1) / ((changes[-1] - changes[0]) / 1000)


def time_compare(page, url: str) -> dict:
    """The default configurations + "All conv layers shared": Train all -> the results table;
    on the way, the "Per task" toggle's click -> one panel per task."""
    page.goto(f"{url}/")
    wait_for_app_idle(page)
    open_tab(page, "Compare")
    panel = page.get_by_role("tabpanel", name="Compare")
    panel.get_by_role("button", name="+ All conv layers shared").click()
    wait_for_app_idle(page)
    start = time.perf_counter()
    panel.get_by_role("button", name="Train all").click()
    # The growing chart is up (the first epochs are in): the toggle then only redraws it.
    panel.locator(".lse-live").first.wait_for(timeout=TIMEOUT_MS)
    toggled = time.perf_counter()
    panel.get_by_text("Per task", exact=True).click()
    page.wait_for_function(f"() => ({PANELS})() > 1", timeout=TIMEOUT_MS, polling=20)
    response = time.perf_counter() - toggled
    panel.get_by_role("button", name="Download the results (CSV)").wait_for(timeout=TIMEOUT_MS)
    seconds = time.perf_counter() - start
    wait_for_app_idle(page)
    panel.get_by_text("Per task", exact=True).click()  # back to one panel
    wait_for_app_idle(page)
    return {"compare": seconds, "click_response_s": response}


def time_sweep(page) -> float:
    """The sweep button -> the sentence that reads the sweep."""
    panel = page.get_by_role("tabpanel", name="Compare")
    start = time.perf_counter()
    panel.get_by_role("button", name="Sweep relatedness").click()
    _wait_for(page, "Over \\d+ seeds? \\(mean best validation loss\\)")
    seconds = time.perf_counter() - start
    wait_for_app_idle(page)
    return seconds


def measure(rows: set[str]) -> dict:
    figures = {}
    with running_app() as url, browser_page() as page:
        warm_worker(page, url)
        if rows & {"train", "retrain", "model2"}:
            figures |= time_training(page, url)
        figures["live_updates_per_s"] = live_rate(page, url)
        if rows & {"compare", "sweep"}:
            figures |= time_compare(page, url)
            figures["sweep"] = time_sweep(page)
    return {k: round(v, 2) for k, v in figures.items() if k in rows or k not in GOALS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", default=",".join(ROWS), help="comma-separated: " + ",".join(ROWS))
    rows = set(parser.parse_args().rows.split(","))
    figures = measure(rows)
    for name, goal in GOALS.items():
        if name in figures:
            verdict = "ok" if figures[name] < goal else "OVER"
            says = figures.get(f"{name}_page_says")
            trained = f", trained {says:g} s as the page says" if says is not None else ""
            print(f"{name:>8}: {figures[name]:6.2f} s (goal < {goal:g} s) {verdict}{trained}")
    print(f"live chart: {figures['live_updates_per_s']:.1f} updates/s while training (goal >= 5)")
    if "click_response_s" in figures:
        print(f"a click during the comparison answered in {figures['click_response_s']:.2f} s")
    figures["workers"] = os.environ.get("LSE_TRAIN_WORKERS", "default")
    figures["load_average"] = [round(v, 2) for v in os.getloadavg()]
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
