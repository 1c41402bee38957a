"""Laptop and narrow widths: the four headline figures share one row from 1200 px up, and the
sidebar starts collapsed on a narrow screen (its labels and the column beside it were cut)."""

from __future__ import annotations

import pytest

from support.browser import open_tab, wait_for_app_idle

pytestmark = pytest.mark.browser

ROWS_JS = """() => new Set([...document.querySelectorAll('[data-testid="stMetric"]')]
  .map(e => Math.round(e.getBoundingClientRect().top))).size"""


@pytest.mark.parametrize("width", [1200, 1280, 1366, 1920])
def test_the_four_figures_share_one_row_from_1200_px(app_url, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{app_url}/?variant=towers&k=1")
    wait_for_app_idle(page)
    page.locator('[data-testid="stMetric"]').nth(3).wait_for()
    assert page.locator('[data-testid="stSidebar"]').get_attribute("data-collapsed") == "false"
    assert page.evaluate(ROWS_JS) == 1


def test_the_sidebar_starts_collapsed_at_800_px(app_url, page):
    page.set_viewport_size({"width": 800, "height": 900})
    page.goto(f"{app_url}/")
    wait_for_app_idle(page)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stSidebar\"]')"
        ".getAttribute('data-collapsed') === 'true'",
        timeout=10_000,
    )


# Text the browser cut with "…" on screen: a button, label or figure whose text is wider than
# its box (the sidebar's, once slid out of view at 800 px, is not on screen).
CUT_JS = """() => [...document.querySelectorAll('body *')]
  .filter(e => { const r = e.getBoundingClientRect();
    return getComputedStyle(e).textOverflow === 'ellipsis' && r.width > 0 && r.right > 0
      && r.left < innerWidth && (e.innerText || '').trim() && e.scrollWidth > e.clientWidth + 1; })
  .map(e => e.innerText.trim().slice(0, 80))"""


@pytest.mark.parametrize("width", [800, 1024, 1280, 1366])
def test_no_label_or_button_is_cut_short_on_any_tab(app_url, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    cut = {}
    for tab in ("Question", "Model", "Train", "Compare", "Lab"):
        page.goto(f"{app_url}/")
        wait_for_app_idle(page)
        open_tab(page, tab)
        wait_for_app_idle(page)
        if found := page.evaluate(CUT_JS):
            cut[tab] = found
    assert cut == {}
