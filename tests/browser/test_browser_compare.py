"""The Compare tab in a real browser: train two configurations, see the curves and the table."""

from __future__ import annotations

import pytest

from support.browser import open_tab, wait_for_app_idle

pytestmark = pytest.mark.browser

TINY = "epochs=30&filters=4,8&units=16&samples=40"


def test_compare_two_configurations(app_url, page):
    page.goto(f"{app_url}/?{TINY}")
    wait_for_app_idle(page)
    open_tab(page, "Compare")
    panel = page.get_by_role("tabpanel", name="Compare")
    assert panel.get_by_text("Question: model 2", exact=True).is_visible()
    panel.get_by_role("button", name="✕").nth(2).click()  # keep model 1 and nothing shared
    wait_for_app_idle(page)
    assert panel.get_by_text("Question: model 2", exact=True).count() == 0

    panel.get_by_role("button", name="Train all").click()
    download = panel.get_by_role("button", name="Download the results (CSV)")
    download.wait_for(timeout=120_000)
    wait_for_app_idle(page)
    table = panel.locator('[data-testid="stDataFrame"]')
    assert table.count() == 1 and table.is_visible()
    # the loss curves and the parameters-vs-loss scatter
    assert panel.locator('[data-testid="stPlotlyChart"]').count() == 2
    legend = panel.locator('[data-testid="stPlotlyChart"]').first.locator(".legendtext")
    assert sorted(legend.all_text_contents()) == ["Nothing shared", "Question: model 1"]
    assert page.locator('[data-testid="stException"]').count() == 0
