"""Presenter mode (`?present=1`) and the copy-link popover, in AppTest and a real browser."""

from __future__ import annotations

import pytest

from support.browser import open_tab, wait_for_app_idle


@pytest.mark.browser
def test_presenter_mode_in_the_browser(app_url, page):
    page.goto(f"{app_url}/?variant=towers&k=1&present=1")
    assert wait_for_app_idle(page) == "notRunning"
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_attribute("data-collapsed") == "true"
    assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") > 16

    page.get_by_role("button", name="Copy link").click()
    code = page.locator('[data-testid="stPopoverBody"] code').first
    code.wait_for(timeout=10_000)
    link = code.inner_text()
    assert link.startswith(app_url) and "present=1" in link and "variant=towers" in link


GRAPH_FIT_JS = """() => {
  const svg = document.querySelector('[data-testid="stGraphVizChart"] svg');
  const box = svg.getBoundingClientRect();
  const text = [...svg.querySelectorAll('text')].map(t => t.getBoundingClientRect().height);
  return {top: box.top, bottom: box.bottom, right: box.right, smallest_text: Math.min(...text)};
}"""


@pytest.mark.browser
@pytest.mark.parametrize("size", [(1024, 768), (1920, 1080)], ids=["projector", "full-hd"])
@pytest.mark.parametrize(
    "query", ["present=1", "present=1&variant=towers&k=1&view=calls"], ids=["model1", "model2"]
)
def test_presenter_mode_shows_the_whole_graph_readable_in_the_first_screen(
    app_url, page, size, query, tmp_path
):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{app_url}/?{query}")
    wait_for_app_idle(page)
    open_tab(page, "Model")
    page.wait_for_timeout(500)  # the graph is laid out in the browser after the rerun
    fit = page.evaluate(GRAPH_FIT_JS)
    page.screenshot(path=tmp_path / f"presenter-{size[0]}.png")
    assert fit["top"] > 0 and fit["bottom"] <= size[1] and fit["right"] <= size[0], fit
    assert fit["smallest_text"] >= 14, fit  # a text line box of 14 px: about 12 px type
    full_screen = page.locator('[data-testid="stElementToolbar"]').first
    assert float(full_screen.evaluate("e => getComputedStyle(e).opacity")) == 1.0
