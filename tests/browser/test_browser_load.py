"""Load: four browser sessions train four variants at once on one server.

All finish; each sees only its own run (its own variant in the caption, a loss curve of its
own length and values); and a fresh page still loads during the runs. How fast it loads is a
figure, not a test (a slow machine must not fail CI): `benchmarks/busy_page_load.py`.
"""

from __future__ import annotations

import time

import pytest

from support.browser import browser_page, open_tab, running_app, wait_for_app_idle

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(900)]

SESSIONS = [  # (query, the run caption's opening words, epochs); 100 windows keep runs short
    ("variant=hard&k=5&seed=1&samples=100", "hard, k = 5", 300),
    ("variant=towers&k=1&seed=2&samples=100", "towers, k = 1", 250),
    ("variant=cross_stitch&k=2&seed=3&samples=100", "cross_stitch, k = 2", 200),
    ("variant=hard&k=0&seed=4&samples=100", "hard, k = 0", 350),
]

VAL_TOTAL_JS = """() => {
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    // _fullData holds decoded arrays (data may still hold plotly's base64 typed-array form)
    const trace = (plot._fullData || []).find(t => t.name === 'val total');
    if (trace) return Array.from(trace.y);
  }
  return null;
}"""


def _start(page, url: str, query: str, epochs: int) -> None:
    page.goto(f"{url}/?{query}&epochs={epochs}")
    assert wait_for_app_idle(page) == "notRunning"
    open_tab(page, "Train")
    page.get_by_role("button", name="Train", exact=True).click()


def test_four_sessions_train_at_once_and_stay_apart():
    with running_app(env={"LSE_TRAIN_WORKERS": "2"}) as url, browser_page() as first:
        pages = [first] + [first.context.browser.new_context().new_page() for _ in SESSIONS[1:]]
        started = time.perf_counter()
        for page, (query, _, epochs) in zip(pages, SESSIONS, strict=True):
            _start(page, url, query, epochs)
        all_started = time.perf_counter() - started

        # While the four runs are going, a new visitor's page still loads and draws the model.
        visitor = first.context.browser.new_context().new_page()
        load_start = time.perf_counter()
        visitor.goto(url)
        assert wait_for_app_idle(visitor, settle_ms=200) == "notRunning"
        page_load = time.perf_counter() - load_start
        visitor.locator('[data-testid="stMetric"]').first.wait_for(timeout=120_000)
        assert visitor.locator('[data-testid="stException"]').count() == 0

        curves = []
        for page, (_, caption, epochs) in zip(pages, SESSIONS, strict=True):
            page.wait_for_selector(f"text=/Finished {epochs:,} epochs in/", timeout=240_000)
            wait_for_app_idle(page)
            assert page.locator('[data-testid="stException"]').count() == 0
            run_captions = page.locator("text=/^Run [0-9]+: /").all_inner_texts()
            assert len(run_captions) == 1 and caption in run_captions[0], run_captions
            # Plotly draws after the page is idle: wait for the final chart's data (a timeout
            # fails the test), then read it.
            drawn = f"() => {{ const c = ({VAL_TOTAL_JS})(); return c && c.length === {epochs}; }}"
            page.wait_for_function(drawn, timeout=120_000, polling=100)
            curve = page.evaluate(VAL_TOTAL_JS)
            assert curve is not None and len(curve) == epochs  # its own run, every epoch
            curves.append(curve)
        total = time.perf_counter() - started

    finals = [round(c[-1], 6) for c in curves]
    assert len(set(finals)) == len(finals), finals  # four different runs, none shown twice
    print(
        f"\n4 sessions, 2 workers: opened and started in {all_started:.1f} s, all finished "
        f"in {total:.1f} s; a page load during the runs took {page_load:.2f} s; "
        f"final val losses {finals}"
    )
