"""Re-render time after a settings change in a real browser, once warm (target: median < 300 ms).

Starts the app, opens it in headless Chromium, and moves the "Shared layers" slider back and
forth. Each step is timed from the key press until the page shows the new total *and* a
redrawn graph. The first sweep warms the caches; the next sweeps are timed. Baseline in the
same run: the same steps right after the caches were cleared (cold build + analysis).
Last line: JSON with `median_ms`, `p90_ms`, `cold_median_ms`.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from models.architectures.variants import VARIANTS  # noqa: E402
from models.spec import ModelSpec  # noqa: E402
from support.browser import browser_page, running_app, wait_for_app_idle  # noqa: E402

SPEC = ModelSpec(variant="hard", shared_layers=0)
STEPS = ["ArrowRight"] * 5 + ["ArrowLeft"] * 5  # k: 0 → 5 → 0

GRAPH_TEXT = "document.querySelector('.lse-graph > svg')?.textContent || ''"
TOTAL_TEXT = """[...document.querySelectorAll('[data-testid="stMetric"]')]
    .find(m => m.innerText.includes('Total parameters'))
    ?.querySelector('[data-testid="stMetricValue"]')?.innerText"""
PAGE_SHOWS = f"""([total, before]) => ({TOTAL_TEXT}) === total
    && {GRAPH_TEXT} !== before && document.querySelectorAll('svg g.node').length > 0"""


def _sweep(page, spec: ModelSpec = SPEC) -> list[float]:
    slider = page.locator(
        '[data-testid="stSidebar"] [data-testid="stSlider"] input[aria-label="Shared layers"]'
    )
    k, times = 0, []
    for key in STEPS:
        k += 1 if key == "ArrowRight" else -1
        total = f"{VARIANTS['hard'].count_params(spec.replace(shared_layers=k)):,}"
        before = page.evaluate(f"() => {GRAPH_TEXT}")
        slider.focus()
        start = time.perf_counter()
        slider.press(key)
        page.wait_for_function(PAGE_SHOWS, arg=[total, before], timeout=60_000, polling="raf")
        times.append((time.perf_counter() - start) * 1000)
        wait_for_app_idle(page)
    return times


def main() -> None:
    with running_app() as url, browser_page() as page:
        page.goto(f"{url}/?variant=hard&k=0&tab=model")
        wait_for_app_idle(page)
        _sweep(page)  # warm-up: every k built and cached once
        warm = _sweep(page) + _sweep(page)
        print("warm steps (ms):", [round(t) for t in warm])
        page.goto(f"{url}/?variant=hard&k=0&units=201,100&tab=model")  # new sizes: nothing cached
        wait_for_app_idle(page)
        cold = _sweep(page, SPEC.replace(dense_units=(201, 100)))[:5]
        print("cold steps (ms):", [round(t) for t in cold])
    result = {
        "median_ms": round(statistics.median(warm), 1),
        "p90_ms": round(statistics.quantiles(warm, n=10)[-1], 1),
        "cold_median_ms": round(statistics.median(cold), 1),
        "changes_timed": len(warm),
    }
    print(
        f"warm re-render in the browser: median {result['median_ms']} ms, "
        f"p90 {result['p90_ms']} ms over {len(warm)} slider moves; "
        f"cold (spec not cached): median {result['cold_median_ms']} ms"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
