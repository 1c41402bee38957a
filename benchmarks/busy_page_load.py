"""A new visitor's page load while four sessions train at once (2 workers, real Chromium).

The figure the load test used to assert (a slow machine must not fail CI): four browser
sessions start training four variants, then a fresh page is opened `--loads` times, each timed
from `goto` until the page is idle. Last line: JSON with `median_s`, `max_s` and every load.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from support.browser import browser_page, open_tab, running_app, wait_for_app_idle  # noqa: E402

SESSIONS = (
    "variant=hard&k=5&seed=1",
    "variant=towers&k=1&seed=2",
    "variant=cross_stitch&k=2&seed=3",
    "variant=hard&k=0&seed=4",
)
EPOCHS = 3000  # long enough that every load below happens while all four are training


def _train(page, url: str, query: str) -> None:
    page.goto(f"{url}/?{query}&epochs={EPOCHS}")
    wait_for_app_idle(page)
    open_tab(page, "Train")
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("Epoch ").first.wait_for(timeout=120_000)  # this session's run is going


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--loads", type=int, default=3)
    args = parser.parse_args()
    with running_app(env={"LSE_TRAIN_WORKERS": "2"}) as url, browser_page() as first:
        browser = first.context.browser
        pages = [first] + [browser.new_context().new_page() for _ in SESSIONS[1:]]
        for page, query in zip(pages, SESSIONS, strict=True):
            _train(page, url, query)
        loads = []
        for _ in range(args.loads):
            visitor = browser.new_context().new_page()
            start = time.perf_counter()
            visitor.goto(url)
            wait_for_app_idle(visitor, settle_ms=200)
            loads.append(round(time.perf_counter() - start, 2))
            visitor.context.close()
    print(f"page loads while 4 sessions train: {loads} s")
    print(json.dumps({"median_s": statistics.median(loads), "max_s": max(loads), "loads": loads}))


if __name__ == "__main__":
    main()
