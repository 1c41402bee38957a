"""Presenter mode (`?present=1`) and the copy-link popover, in AppTest and a real browser."""

from __future__ import annotations

import pytest

from browser_support import wait_for_app_idle
from test_app import run_app


def _toggle(at, label: str):
    return next(t for t in at.toggle if t.label == label)


def test_present_flag_from_url_turns_presenter_mode_on():
    at = run_app({"present": "1"})
    assert not at.exception
    assert _toggle(at, "Presenter mode").value is True
    assert at.query_params["present"] == "1"
    # The tables make room for the graph: they move into a closed expander.
    assert any(e.label == "Parameters per layer" for e in at.expander)


def test_usual_view_keeps_present_out_of_the_link():
    at = run_app()
    assert _toggle(at, "Presenter mode").value is False
    assert "present" not in at.query_params
    _toggle(at, "Presenter mode").set_value(True).run()
    assert at.query_params["present"] == "1"


@pytest.mark.parametrize("value", ["maybe", "2", ""])
def test_bad_present_value_warns_and_presents_normally(value):
    at = run_app({"present": value})
    assert not at.exception
    assert any("`present`" in w.value for w in at.warning)
    assert _toggle(at, "Presenter mode").value is False


def test_copy_link_holds_every_setting():
    at = run_app({"variant": "towers", "k": "2"})
    link = next(c.value for c in at.code)
    assert "variant=towers" in link and "k=2" in link and "epochs=500" in link


@pytest.mark.browser
def test_presenter_mode_in_the_browser(app_url, page):
    page.goto(f"{app_url}/?variant=towers&k=1&present=1")
    assert wait_for_app_idle(page) == "notRunning"
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_attribute("data-collapsed") == "true"
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "21px"

    page.get_by_role("button", name="Copy link").click()
    code = page.locator('[data-testid="stPopoverBody"] code').first
    code.wait_for(timeout=10_000)
    link = code.inner_text()
    assert link.startswith(app_url) and "present=1" in link and "variant=towers" in link
