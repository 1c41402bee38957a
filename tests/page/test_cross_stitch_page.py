"""The cross-stitch variant in the page (AppTest)."""

from __future__ import annotations

import pytest


@pytest.mark.slow
def test_page_selects_the_variant_and_shows_its_metrics():
    from support.page import metric, run_app

    at = run_app(tab="Model")

    at.radio(key="variant").set_value("cross_stitch").run()
    assert not at.exception
    assert at.query_params["variant"] == "cross_stitch" and at.query_params["k"] == "5"
    assert metric(at, "Total parameters") == "196,008"
    assert metric(at, "Shared parameters") == "80"
    assert metric(at, "Saved by sharing") == "0"
    slider = at.select_slider(key="k")
    assert slider.options[2] == "2 · conv1–conv2" and "cross-stitch unit" in slider.proto.help
    assert any("mixes the tasks" in str(html.proto) for html in at.get("html"))  # legend
    slider.set_value(2).run()
    assert metric(at, "Total parameters") == "195,960"
    assert any("soft parameter sharing" in m.value for m in at.markdown)
