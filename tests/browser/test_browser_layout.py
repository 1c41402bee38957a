"""Narrow and wide screens: the header, the headline figures and the buttons stay readable
(figures wrap to a second row rather than being cut; "Copy link" stays on one line)."""

from __future__ import annotations

import pytest

from support.browser import wait_for_app_idle

pytestmark = pytest.mark.browser

CUT_JS = """() => [...document.querySelectorAll(
    '[data-testid="stMetricValue"] div, [data-testid="stMetricLabel"] p')]
  .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)"""
SIDEBAR_GONE_JS = """() => {
  const s = document.querySelector('[data-testid="stSidebar"]');
  if (!s) return true;
  const r = s.getBoundingClientRect();
  return r.width === 0 || r.right <= 0;
}"""
BUTTON_JS = """name => {
  const b = [...document.querySelectorAll('button')].find(b => b.innerText.includes(name));
  const r = b.getBoundingClientRect();
  return {height: r.height, width: r.width};
}"""


@pytest.mark.parametrize("width", [800, 1024, 1920])
@pytest.mark.parametrize("query", ["", "variant=towers&k=1"], ids=["model1", "model2"])
def test_no_headline_figure_is_cut_and_copy_link_stays_on_one_line(
    app_url, page, width, query, tmp_path
):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{app_url}/?{query}")
    wait_for_app_idle(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    if width < 1024:  # tucked away on a narrow screen: its labels would be cut beside the page
        # It slides out (a CSS transition): wait for it to be gone, not for a fixed time.
        page.wait_for_function(SIDEBAR_GONE_JS, timeout=10_000)
    box = sidebar.bounding_box()
    if width < 1024:
        assert box is None or box["x"] + box["width"] <= 0
    else:  # open, on screen, beside the figures
        assert box is not None and box["x"] >= 0 and box["width"] > 200
    page.screenshot(path=tmp_path / f"header-{width}.png")
    assert page.evaluate(CUT_JS) == []
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert len(values) == 4 and all("…" not in v for v in values)
    button = page.evaluate(BUTTON_JS, "Copy link")
    assert button["height"] < 50 and button["width"] > 80, button
