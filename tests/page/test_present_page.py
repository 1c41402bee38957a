"""Presenter mode (`?present=1`) and the copy-link popover in the page (AppTest)."""

from __future__ import annotations

import pytest

from models.training.engine import TrainConfig
from support.page import run_app


def _toggle(at, label: str):
    return next(t for t in at.toggle if t.label == label)


def test_present_flag_from_url_turns_presenter_mode_on():
    at = run_app({"present": "1"}, tab="Model")
    assert not at.exception
    assert _toggle(at, "Presenter mode").value is True
    assert at.query_params["present"] == "1"
    # The sentences and tables make room for the graph: they move into closed expanders, and
    # the graph's switches sit under it without their labels.
    labels = [e.label for e in at.expander]
    assert "Parameters per layer" in labels and "What this setting means" in labels
    switches = [s for s in at.get("button_group") if s.label in ("Graph view", "Layout")]
    assert switches and all(s.proto.label_visibility.value == 2 for s in switches)  # collapsed


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
    epochs = f"epochs={TrainConfig().epochs}"  # a default too: the link holds every setting
    assert "variant=towers" in link and "k=2" in link and epochs in link
