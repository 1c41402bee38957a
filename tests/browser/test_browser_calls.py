"""The call inspector and a frozen layer in a real browser: model 2's four conv1 calls, each
drawn with its own output, and every call of a frozen conv1 marked in the graph."""

from __future__ import annotations

import pytest

from support.browser import open_tab, wait_for_app_idle

pytestmark = pytest.mark.browser


def test_the_inspector_draws_each_of_model_2s_four_conv1_calls(app_url, page):
    page.goto(f"{app_url}/?variant=towers&k=1")
    wait_for_app_idle(page)
    open_tab(page, "Model")
    inspector = page.locator('[data-testid="stExpander"]').filter(has_text="Inspect one layer")
    inspector.get_by_text("Inspect one layer's calls").click()
    gradient = inspector.get_by_text("Each call's part of conv1's gradient")
    gradient.wait_for(timeout=90_000)  # the Keras lane may start first
    heatmaps = inspector.locator(".stPlotlyChart .heatmaplayer image")
    heatmaps.nth(3).wait_for(state="attached", timeout=30_000)
    assert heatmaps.count() == 4
    titles = inspector.locator(".stPlotlyChart .annotation-text").all_text_contents()
    assert [t for t in titles if t.startswith("call")] == ["call 1", "call 2", "call 3", "call 4"]
    assert "conv1_out2" in inspector.inner_text()


def test_a_frozen_shared_layer_is_marked_on_each_call_in_the_graph(app_url, page):
    page.goto(f"{app_url}/?variant=towers&k=1&view=calls&frozen=conv1")
    wait_for_app_idle(page)
    open_tab(page, "Model")
    graph = page.locator(".lse-graph > svg").first
    graph.locator("g.node").first.wait_for(timeout=30_000)
    labels = graph.locator("g.node text").all_text_contents()
    assert sum("32 params · frozen" in label for label in labels) == 4
