"""The page through Streamlit's AppTest: presets, slider, toggles and URL parameters."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from support.page import button, metric, run_app


def test_default_page_is_model_1():
    at = run_app()
    assert not at.exception
    assert metric(at, "Total parameters") == "52,012"
    assert metric(at, "Shared parameters") == "47,972"
    assert metric(at, "Saved by sharing") == "143,916"
    assert at.query_params["variant"] == "hard" and at.query_params["k"] == "5"


def test_every_tab_opens_and_the_settings_survive_closed_tabs():
    at = run_app({"variant": "towers", "k": "2", "view": "calls", "epochs": "300"})
    for tab in ("Train", "Compare", "Lab", "Your model", "Model"):
        at.session_state["tab"] = tab
        at.run()
        assert not at.exception, (tab, at.exception)
        # The Model tab's graph toggles and the sidebar's settings stay in the link.
        assert at.query_params["view"] == "calls" and at.query_params["k"] == "2"
        assert at.query_params["epochs"] == "300"


def test_presets_switch_model():
    at = run_app()
    button(at, "Question: model 2").click().run()
    assert metric(at, "Total parameters") == "134,644"
    assert at.query_params["variant"] == "towers" and at.query_params["k"] == "1"
    button(at, "All conv layers shared").click().run()
    assert metric(at, "Total parameters") == "128,740"
    button(at, "Nothing shared").click().run()
    assert metric(at, "Total parameters") == "195,928"
    assert metric(at, "Shared parameters") == "0"
    button(at, "Question: model 1").click().run()
    assert metric(at, "Total parameters") == "52,012"


def test_slider_range_follows_variant_and_changes_totals():
    at = run_app({"variant": "towers", "k": "1"})
    slider = at.select_slider(key="k")
    assert slider.options == ["0 · none", "1 · conv1", "2 · conv1–conv2", "3 · conv1–conv3"]
    slider.set_value(2).run()
    assert metric(at, "Total parameters") == "133,444"  # conv1 + conv2 tied
    assert at.query_params["k"] == "2"
    at.radio(key="variant").set_value("hard").run()
    assert len(at.select_slider(key="k").options) == 6


def test_view_toggle_reaches_url():
    at = run_app({"variant": "towers", "k": "1", "view": "calls", "layout": "LR"})
    assert not at.exception and not at.warning
    assert at.query_params["view"] == "calls" and at.query_params["layout"] == "LR"


def test_url_parameters_set_the_model():
    at = run_app(
        {
            "variant": "towers",
            "k": "1",
            "features": "3",
            "filters": "4,8",
            "units": "16",
            "horizon": "5",
            "timesteps": "8",
            "kernel": "2",
        }
    )
    assert not at.exception and not at.warning
    # conv1 tied (2*1*4+4) + 3 towers of conv2 (2*4*8+8) + dense (3*6*8*16+16) + 3 heads (16*5+5)
    assert metric(at, "Total parameters") == f"{12 + 3 * 72 + (3 * 6 * 8 * 16 + 16) + 3 * 85:,}"


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ({"variant": "unknown"}, "variant"),
        ({"k": "-3"}, "k"),
        ({"filters": "abc"}, "filters"),
        ({"features": "99999999"}, "features"),
        ({"view": "<script>"}, "view"),
    ],
)
def test_bad_url_values_warn_and_still_render(query, key):
    at = run_app(query)
    assert not at.exception
    assert any(f"`{key}`" in w.value for w in at.warning)
    assert at.metric  # the page rendered a model


def test_input_only_series_from_the_link_and_the_sidebar():
    at = run_app({"extra": "3"}, tab="Model")  # model 1 forecasting 1 of its 4 series
    assert not at.exception and not at.error
    assert metric(at, "Total parameters") == f"{52_012 - 3 * 1_010:,}"
    page = " ".join(m.value for m in [*at.markdown, *at.caption, *at.info])
    assert "The last 3 of the 4 features are inputs only" in page
    at.number_input(key="extra").set_value(4).run()  # no series left to forecast
    assert not at.exception
    assert any("at least one series is forecast" in e.value for e in at.error)
    at.number_input(key="extra").set_value(0).run()
    assert metric(at, "Total parameters") == "52,012" and "extra" not in at.query_params


def test_impossible_combination_says_what_to_change():
    at = run_app({"kernel": "5"})
    assert not at.exception
    assert at.error and "time steps" in at.error[0].value
    assert "lower the kernel size" in at.error[0].value


def test_bad_list_text_in_sidebar_keeps_last_good_value():
    at = run_app()
    at.text_input(key="filters").set_value("8, x").run()
    assert not at.exception
    assert any("Filters" in w.value for w in at.warning)
    assert metric(at, "Total parameters") == "52,012"


def test_the_link_reopens_the_open_tab():
    at = run_app({"tab": "compare"})
    assert at.session_state["tab"] == "Compare" and at.query_params["tab"] == "compare"
    assert "tab" not in run_app().query_params  # the Question tab keeps links short
    bad = run_app({"tab": "nowhere"})
    assert not bad.exception and bad.session_state["tab"] == "Question"
    assert any("`tab`" in w.value for w in bad.warning)


def _compared(at: AppTest) -> list[str]:
    return [m.value.split("**")[1] for m in at.markdown if m.value.startswith("<span")]


def test_the_link_reopens_the_compare_list():
    at = run_app({"tab": "compare", "compare": "hard.5,towers.3,mmoe.2"})
    assert not at.exception
    assert _compared(at) == ["Question: model 1", "All conv layers shared", "mmoe, k = 2"]
    assert at.query_params["compare"] == "hard.5,towers.3,mmoe.2"
    at.button(key="cmp_remove_0").click().run()
    assert at.query_params["compare"] == "towers.3,mmoe.2"  # the link follows the list
    assert "compare" not in run_app({"tab": "compare"}).query_params  # the defaults: short
    bad = run_app({"tab": "compare", "compare": "bogus.1"})
    assert any("`compare`" in w.value and "default comparison" in w.value for w in bad.warning)
    assert _compared(bad) == ["Question: model 1", "Nothing shared", "Question: model 2"]
