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
    # The presenter style is injected after the script's first delta: wait for it to apply.
    page.wait_for_function(
        "() => parseFloat(getComputedStyle(document.documentElement).fontSize) > 16",
        timeout=30_000,
    )

    page.get_by_role("button", name="Copy link").click()
    code = page.locator('[data-testid="stPopoverBody"] code').first
    code.wait_for(timeout=10_000)
    link = code.inner_text()
    assert link.startswith(app_url) and "present=1" in link and "variant=towers" in link


# The type size of the nodes' text on screen: each one's font size in the graph's units, times
# the scale the presenter style drew the graph at (its width on screen over its viewBox's).
# (An edge's label, "same weights", is a size smaller by design.)
GRAPH_FIT_JS = """() => {
  const svg = document.querySelector('.lse-graph > svg');
  const box = svg.getBoundingClientRect();
  const scale = box.width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll('g.node text')]
    .map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
  return {top: box.top, bottom: box.bottom, right: box.right, smallest_type_px: Math.min(...sizes)};
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
    # The graph comes laid out by the server, then is scaled by the presenter style.
    page.wait_for_function(
        "() => parseFloat(getComputedStyle(document.documentElement).fontSize) > 16"
        " && document.querySelectorAll('.lse-graph > svg g.node')"
        ".length > 5",
        timeout=30_000,
    )
    fit = page.evaluate(GRAPH_FIT_JS)
    page.screenshot(path=tmp_path / f"presenter-{size[0]}.png")
    assert fit["top"] > 0 and fit["bottom"] <= size[1] and fit["right"] <= size[0], fit
    assert fit["smallest_type_px"] >= 11.5, fit  # about 12 px type
    full_screen = page.locator(".lse-graph-open").first  # shown without hovering the graph
    assert full_screen.is_visible() and full_screen.bounding_box()["y"] < size[1]


# Every node of the drawn graph has a shape with geometry (an ellipse, a polygon or a path
# with a `d`): a <path> carrying an ellipse's attributes draws nothing.
SHAPELESS_JS = """() => [...document.querySelectorAll('.lse-graph > svg g.node')]
  .filter(g => !g.querySelector('ellipse, polygon, path[d]'))
  .map(g => g.querySelector('text') && g.querySelector('text').textContent)"""


@pytest.mark.browser
@pytest.mark.parametrize("view", ["layers", "calls"])
def test_presenter_switches_presets_without_the_sidebar_and_every_node_keeps_its_shape(
    app_url, page, view
):
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{app_url}/?present=1&tab=model&view={view}")
    wait_for_app_idle(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_attribute("data-collapsed") == "true"
    for label, marker, total in (
        ("Model 2", "feature4", "134,644"),
        ("Model 1", "series", "52,012"),
        ("Model 2", "feature4", "134,644"),
    ):
        button = page.get_by_role("button", name=label, exact=True)
        button.wait_for(state="visible", timeout=30_000)  # on the stage, in the first screen
        box = button.bounding_box()
        assert box and box["y"] + box["height"] <= 768, box
        button.click()
        wait_for_app_idle(page)
        page.wait_for_function(
            "marker => [...document.querySelectorAll('.lse-graph > svg"
            " g.node text')].some(t => t.textContent.startsWith(marker + ' '))",
            arg=marker,
            timeout=30_000,
        )
        assert page.evaluate(SHAPELESS_JS) == []
        assert total in page.locator('[data-testid="stMetric"]').first.inner_text()
    assert sidebar.get_attribute("data-collapsed") == "true"
    for name in ("Per call", "Top-down"):
        assert page.get_by_text(name, exact=True).first.bounding_box()["y"] < 768
    toggle = page.get_by_text("Compare with another configuration", exact=True)
    assert toggle.bounding_box()["y"] < 768
