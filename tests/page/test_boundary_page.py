"""The error boundary in the page (AppTest): a failing tab says so, the rest works."""

from __future__ import annotations

import pytest

from components.shell import page
from support.page import metric, run_app

TABS = ("Question", "Model", "Train", "Compare", "Lab", "Your model")


def _explode(*args, **kwargs):
    raise RuntimeError("boom in /srv/app/secret/path.py line 3")


@pytest.mark.parametrize("tab", TABS)
def test_an_exception_in_a_tab_stays_in_that_tab(tab, monkeypatch):
    if tab in page.SPEC_TABS:
        monkeypatch.setitem(page.SPEC_TABS, tab, _explode)
    else:
        monkeypatch.setattr(page, "render_upload", _explode)
    at = run_app(tab=tab)
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any(f"This part of the page ({tab} tab) hit an error" in e for e in errors), errors
    shown = " ".join(errors)
    assert "RuntimeError: boom in …" in shown and "/srv/app" not in shown
    if tab == "Your model":  # that tab shows its own figures: look at another tab's
        at.session_state["tab"] = "Model"
        at.run()
    assert metric(at, "Total parameters") == "52,012"  # the rest of the page still works
