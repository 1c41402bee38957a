"""The diff of two configurations in a real browser at a laptop's width: each graph drawn at
reading size (side by side they were ~5 px text at 1366 px). The change table's matching of a
layer with its copies per feature is checked in `tests/page/test_diff_page.py` (the browser
draws tables on a canvas)."""

from __future__ import annotations

import pytest

from support.browser import open_tab, wait_for_app_idle

pytestmark = pytest.mark.browser

# Per drawn graph: how many nodes, and its smallest text line box (px).
GRAPHS_JS = """() => [...document.querySelectorAll('.lse-graph > svg')]
  .map(svg => ({nodes: svg.querySelectorAll('g.node').length,
    smallest_text: Math.min(...[...svg.querySelectorAll('text')]
      .map(t => t.getBoundingClientRect().height))}))"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_both_graphs_of_the_diff_are_drawn_at_reading_size(app_url, page, scheme, tmp_path):
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{app_url}/")
    wait_for_app_idle(page)
    open_tab(page, "Model")
    page.get_by_text("Compare with another configuration", exact=True).click()
    wait_for_app_idle(page)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.lse-graph > svg')]"
        ".filter(s => s.querySelectorAll('g.node').length > 5).length >= 2",
        timeout=30_000,
    )
    graphs = page.evaluate(GRAPHS_JS)
    page.screenshot(path=tmp_path / f"diff-1366-{scheme}.png", full_page=True)
    drawn = [g for g in graphs if g["nodes"] > 5]
    assert len(drawn) >= 2, graphs
    for graph in drawn:
        assert graph["smallest_text"] >= 14, graphs  # a 14 px line box: about 12 px type
