"""A cold start and a later visit, in real Chromium, and what the app holds in memory.

Run: python benchmarks/cold_start.py

Starts the app as `streamlit run app.py` would and, as soon as its health check answers (the
moment Community Cloud would hand a woken app its first visitor), opens model 2's graph with
one node per call (`?variant=towers&k=1&view=calls&tab=model`):
  cold_graph_s       the visit -> model 2's graph drawn with its four conv1 calls (goal < 2.5 s)
  cold_code_s        the visit -> the model's code shown under the graph (built by the lane)
  later_graph_s      a later visit, once the app is quiet (the workers have compiled what a
                     cold start compiles), in a new tab of the same browser (Streamlit's
                     scripts in its cache, as for a returning visitor) -> the graph (goal < 1 s)
  warming_graph_s    the same, but at once after the cold visit, while the workers still
                     compile (at the lowest CPU priority) for ~8 s: a second visitor of a
                     class that woke the app
  fresh_browser_graph_s  a later visit from a browser that never saw the app -> the graph
  server_pss_mb      the Streamlit server's own PSS after both visits (goal < 300 MB)
  idle_after_run_mb  PSS of the whole process tree (server, fork server, training workers,
                     Keras lane) once a default Train of model 1 finished and nobody has
                     asked for anything since (goal < 1,000 MB)
  server_has_keras   whether the server process mapped TensorFlow's library (it must not)
Last line: JSON with every figure.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

import psutil  # noqa: E402
from app_processes import TreeMemory, server_pid  # noqa: E402
from many_visitors import FINISHED  # noqa: E402

from models.workers.pool import IDLE_SECONDS as IDLE_AFTER  # noqa: E402
from models.workers.processes import memory_mb  # noqa: E402
from support.browser import browser_page, open_tab, running_app, wait_for_app_idle  # noqa: E402

GOALS = {"cold_graph_s": 2.5, "later_graph_s": 1.0, "server_pss_mb": 300, "idle_after_run_mb": 1000}
MODEL_2_CALLS = "?variant=towers&k=1&view=calls&tab=model"
TIMEOUT_MS = 120_000
# After the run and the page closed: nobody asks for anything, so the pools let their extra
# workers go (`models.workers.pool.IDLE_SECONDS`), with time for them to end.
IDLE_SECONDS = IDLE_AFTER + 15
# The graph is drawn (an SVG in the page) with one node per call of conv1: four of them.
GRAPH_DRAWN = """() => [...document.querySelectorAll('.lse-graph > svg g.node')]
  .filter(n => /conv1/.test(n.textContent) && !/feature\\d_conv1/.test(n.textContent))
  .length >= 4"""
CODE_SHOWN = """() => [...document.querySelectorAll('[data-testid="stExpander"] summary')]
  .some(s => /Show code/.test(s.innerText))"""


def _visit(page, url: str) -> tuple[float, float]:
    """(seconds to the graph, seconds to the code) for one visit: a new server session."""
    start = time.perf_counter()
    page.goto(url + MODEL_2_CALLS)
    page.wait_for_function(GRAPH_DRAWN, polling=50, timeout=TIMEOUT_MS)
    graph = time.perf_counter() - start
    page.wait_for_function(CODE_SHOWN, polling=50, timeout=TIMEOUT_MS)
    return graph, time.perf_counter() - start


def _visits(url: str, memory: TreeMemory) -> dict[str, float]:
    """The cold visit (a browser that never saw the app); a visit in a new tab of the same
    browser (its cache holds Streamlit's scripts, as a returning visitor's does) at once, while
    the workers still warm up, and another once the app is quiet; then a visit from a browser
    that never saw the app."""
    with browser_page() as page:
        cold_graph, cold_code = _visit(page, url)
        warming, _ = _visit(page.context.new_page(), url)
        print(f"  the app was quiet {memory.wait_quiet():.1f} s after the second visit")
        later, _ = _visit(page.context.new_page(), url)
    with browser_page() as page:
        fresh, _ = _visit(page, url)
    return {
        "cold_graph_s": cold_graph,
        "cold_code_s": cold_code,
        "later_graph_s": later,
        "warming_graph_s": warming,
        "fresh_browser_graph_s": fresh,
    }


def _train_once(url: str) -> None:
    with browser_page() as page:
        page.goto(url)
        wait_for_app_idle(page, timeout_ms=TIMEOUT_MS)
        open_tab(page, "Train")
        page.get_by_role("button", name="Train", exact=True).click()
        page.wait_for_function(FINISHED, polling=100, timeout=TIMEOUT_MS)


def _maps_tensorflow(pid: int) -> bool:
    maps = Path(f"/proc/{pid}/maps").read_text(encoding="utf-8", errors="replace")
    return "libtensorflow" in maps or "_pywrap_tensorflow" in maps


def main() -> None:
    with running_app() as url:
        server = server_pid(int(url.rsplit(":", 1)[1]))
        memory = TreeMemory(server)
        visits = _visits(url, memory)
        server_mb = memory_mb(server, "pss")
        _train_once(url)
        time.sleep(IDLE_SECONDS)
        idle_mb = memory.now()
        for process in [psutil.Process(server), *psutil.Process(server).children(recursive=True)]:
            print(
                f"  pid {process.pid:>7}  {memory_mb(process.pid, 'pss'):6.0f} MB PSS  "
                f"{' '.join(process.cmdline())[-50:]}"
            )
        figures = {
            **{name: round(seconds, 2) for name, seconds in visits.items()},
            "server_pss_mb": round(server_mb),
            "idle_after_run_mb": round(idle_mb),
            "server_has_keras": _maps_tensorflow(server),
        }
    for name, goal in GOALS.items():
        mark = "met" if figures[name] < goal else "MISSED"
        print(f"{name:18} {figures[name]:>8}   goal < {goal}   {mark}")
    print(f"cold_code_s        {figures['cold_code_s']:>8}")
    print(f"warming_graph_s    {figures['warming_graph_s']:>8}")
    print(f"fresh_browser_graph_s {figures['fresh_browser_graph_s']:>5}")
    print(f"server_has_keras   {figures['server_has_keras']!s:>8}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
