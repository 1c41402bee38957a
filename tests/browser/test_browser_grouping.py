"""Deciding what to share in a real browser: the branched variant's tree in the graph, and a
run's proposed tree tested beside its model from one click on the Train tab."""

from __future__ import annotations

import pytest

from support.browser import open_tab, wait_for_app_idle

pytestmark = pytest.mark.browser

TINY = "epochs=25&filters=4,8&units=16&samples=40"


def test_the_graph_draws_a_branch_per_group_of_tasks(app_url, page):
    page.goto(f"{app_url}/?variant=branched&k=1&groups=1,1,2,3")
    wait_for_app_idle(page)
    open_tab(page, "Model")
    graph = page.locator(".lse-graph > svg").first
    graph.locator("g.node").first.wait_for(timeout=30_000)
    labels = graph.locator("g.node text").all_text_contents()
    assert any(label.startswith("tasks1_2_conv2") for label in labels)
    assert any(label.startswith("task3_conv2") for label in labels)
    assert not any(label.startswith("task1_conv2") for label in labels)
    assert "shared by a group of tasks" in page.locator("body").inner_text()


def test_a_proposed_tree_is_trained_beside_its_model_in_one_click(app_url, page):
    page.goto(f"{app_url}/?tab=train&families=2&relatedness=1&{TINY}")
    wait_for_app_idle(page)
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("Finished").first.wait_for(timeout=120_000)
    page.get_by_text("The detail: gradient cosines per layer").click()
    page.get_by_text("A tree to try.").wait_for(timeout=30_000)
    page.get_by_role("button", name="Test it").click()
    page.get_by_text("see it below").wait_for(timeout=30_000)  # the Compare tab opened
    page.get_by_text("Download the ranking (CSV)").wait_for(timeout=180_000)
    reading = page.get_by_text("Best over 3 seeds").first.inner_text()
    assert "The proposed tree: rank" in reading
    assert page.get_by_text("The proposed tree, tested.").count() == 1
