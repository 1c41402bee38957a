"""What redraws what, now that the Train tab is a keyed fragment.

A run's end (`components.live.view`): when the browser says every job has ended, the outcomes
are collected in that callback and the part of the page that draws them (the fragment, or the
whole page) is redrawn at once. A suggested k applied from the tab (`components.train.conflict`)
changes the sidebar, so it redraws the whole page, not only the fragment it sits in.
"""

from __future__ import annotations

import pytest
import streamlit as st

from components.live import view as live_view
from components.train import conflict as conflict_view
from models.spec import ModelSpec


class _Batch:
    """Stands in for `models.workers.batch.Batch`: done or not, and the waits asked of it."""

    def __init__(self, done: bool):
        self.done, self.waits = done, []

    def wait(self, seconds: float) -> None:
        self.waits.append(seconds)

    def collect_if_done(self) -> bool:
        return self.done


class _Rerun(Exception):
    """`st.rerun` never returns: it ends the callback."""


@pytest.fixture
def reruns(monkeypatch) -> list[str]:
    asked = []

    def rerun(scope="app"):
        asked.append(scope)
        raise _Rerun

    monkeypatch.setattr(st, "rerun", rerun)
    return asked


@pytest.mark.parametrize("scope", ["train_tab", "app"])
def test_an_ended_batch_is_collected_and_its_scope_redrawn(reruns, scope):
    batch = _Batch(done=True)
    with pytest.raises(_Rerun):
        live_view._told_ended(batch, scope)
    assert reruns == [scope]
    assert batch.waits == [live_view.ENDING_SECONDS]  # the worker hands its result back first


def test_a_batch_whose_results_are_not_back_yet_is_left_to_the_polls(reruns):
    live_view._told_ended(_Batch(done=False), "train_tab")
    assert reruns == []


def test_a_suggested_k_applied_from_the_train_tab_redraws_the_whole_page(reruns, monkeypatch):
    loaded = []
    monkeypatch.setattr(conflict_view, "load_spec_into_widgets", loaded.append)
    suggested = ModelSpec(shared_layers=2)
    with pytest.raises(_Rerun):
        conflict_view._apply(suggested)
    assert loaded == [suggested] and reruns == ["app"]
