"""Laptop and narrow widths: the four headline figures share one row from 1200 px up, and the
sidebar starts collapsed on a narrow screen (its labels and the column beside it were cut)."""

from __future__ import annotations

import pytest

from support.browser import wait_for_app_idle

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
