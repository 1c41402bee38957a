"""The explorer in a real browser: graph SVG, table, slider, view toggle and the URL."""

from __future__ import annotations

import re

import pytest

from support.browser import open_tab, wait_for_app_idle

pytestmark = pytest.mark.browser


def _metric(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label)
    return box.locator('[data-testid="stMetricValue"]').inner_text()


def _graph_text(page) -> str:
    page.wait_for_selector(".lse-graph > svg g.node", timeout=30_000)
    return page.locator(".lse-graph > svg").text_content() or ""


def test_slider_changes_graph_and_totals(app_url, page):
    page.goto(f"{app_url}/?variant=towers&k=1&tab=model")
    assert wait_for_app_idle(page) == "notRunning"
    assert _metric(page, "Total parameters") == "134,644"
    assert "32 params · ×4 calls" in _graph_text(page)
    # The grid draws itself after the script ends: wait for it rather than sample it once.
    page.locator('[data-testid="stDataFrame"]').first.wait_for(state="visible", timeout=30_000)

    thumb = page.locator(
        '[data-testid="stSidebar"] [data-testid="stSlider"] input[aria-label="Shared layers"]'
    )
    thumb.focus()
    thumb.press("ArrowRight")
    wait_for_app_idle(page)
    page.wait_for_function(
        "() => document.querySelector('.lse-graph > svg')"
        ".textContent.includes('432')"  # conv1 + conv2 now one tied pair: 32 + 400
        " || document.body.innerText.includes('133,444')",
        timeout=30_000,
    )
    assert _metric(page, "Total parameters") == "133,444"
    assert "400 params · ×4 calls" in _graph_text(page)
    assert re.search(r"[?&]k=2(&|$)", page.url)


def test_calls_view_shows_every_call_and_survives_reload(app_url, page):
    page.goto(f"{app_url}/?variant=towers&k=1&tab=model")
    wait_for_app_idle(page)
    page.get_by_text("One node per call", exact=True).click()
    wait_for_app_idle(page)
    page.wait_for_function(
        "() => document.querySelectorAll('.lse-graph > svg g.node').length > 20",
        timeout=30_000,
    )
    text = _graph_text(page)
    assert all(f"call {i}/4" in text for i in range(1, 5))
    assert "view=calls" in page.url
    page.reload()
    wait_for_app_idle(page)
    assert "call 3/4" in _graph_text(page)


def test_full_screen_shows_the_whole_graph_over_the_page_and_closes(app_url, page):
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{app_url}/?variant=towers&k=1&view=calls&tab=model")
    wait_for_app_idle(page)
    _graph_text(page)
    graph, box = page.locator(".lse-graph > svg").first, page.locator(".lse-graph").first
    assert box.bounding_box()["width"] < 1024 - 300  # in the column, beside the sidebar
    page.locator(".lse-graph-open").first.click()
    # Wide and wholly inside the window, once the browser has laid the overlay out (a box
    # read at the first wide frame could still be mid-scroll to the link's target).
    page.wait_for_function(
        """() => {
          const box = document.querySelector('.lse-graph:target > svg')?.getBoundingClientRect();
          return box && box.width > 900 && box.x >= 0 && box.y >= 0 && box.bottom <= 768;
        }"""
    )
    whole = graph.bounding_box()
    assert whole["x"] >= 0 and whole["y"] >= 0 and whole["y"] + whole["height"] <= 768, whole
    assert page.locator(".lse-graph-open").first.is_hidden()
    page.locator(".lse-graph-close").first.click()
    page.wait_for_function("() => !document.querySelector('.lse-graph:target')")
    assert box.bounding_box()["width"] < 1024 - 300
    assert page.locator(".lse-graph-close").first.is_hidden()


def test_bad_link_shows_warning_not_traceback(app_url, page):
    page.goto(f"{app_url}/?variant=nope&k=-3&filters=abc")
    wait_for_app_idle(page)
    alerts = page.locator('[data-testid="stAlert"]').all_inner_texts()
    assert any("variant" in a for a in alerts) and any("filters" in a for a in alerts)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert _metric(page, "Total parameters")


BLANK_WATCH = """() => {
  window.__blankFrames = 0;
  const look = () => {
    const live = [...document.querySelectorAll('.lse-live')].some(e => e.offsetParent);
    const final = document.querySelector('.st-key-final_loss .main-svg');
    if (!live && !final) window.__blankFrames += 1;
    if (!final) requestAnimationFrame(look);
  };
  look();
}"""


def test_train_fills_the_chart_and_finishes(app_url, page):
    # model 1 on 100 windows: a few seconds, long enough to watch
    page.goto(f"{app_url}/?epochs=2000&samples=100")
    wait_for_app_idle(page)
    open_tab(page, "Train")
    page.get_by_role("button", name="Train", exact=True).click()
    # live: the progress text counts epochs while the chart fills
    page.wait_for_selector("text=/Epoch [0-9,]+ \\/ 2,000/", timeout=90_000)
    # the growing chart is drawn by the browser from the run's progress file: lines in a plot
    # area across the column (looked up in one go: each redraw replaces the element)
    page.wait_for_function(
        """() => [...document.querySelectorAll('.lse-live svg')].some(svg => {
            const box = svg.getBoundingClientRect();
            return svg.querySelectorAll('polyline').length >= 10 && box.width > 500
              && box.height > 200;
        })""",
        timeout=90_000,
    )
    # From now on, every frame must show a loss chart: the live one, or the final one drawn
    # in its place (the live chart stays until Plotly has drawn the final chart).
    page.evaluate(BLANK_WATCH)
    page.wait_for_selector("text=/Finished 2,000 epochs in [0-9.]+ s/", timeout=90_000)
    wait_for_app_idle(page)
    # loss curves and forecast (Plotly's script loads when the page first needs it)
    # (the gradient-conflict charts and the forecasts are folded, drawn once opened)
    page.wait_for_selector(".st-key-final_loss .main-svg", timeout=30_000)
    page.get_by_text("Forecasts on the validation set").click()  # drawn once opened
    page.wait_for_selector(".st-key-forecast .main-svg", timeout=30_000)
    page.wait_for_function(  # the finished charts are Plotly's: the live view has gone
        "() => ![...document.querySelectorAll('.lse-live')].some(e => e.offsetParent)",
        timeout=30_000,
    )
    assert page.evaluate("window.__blankFrames") == 0
    assert page.locator('[data-testid="stException"]').count() == 0
