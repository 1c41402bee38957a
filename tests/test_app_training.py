"""The Train tab through AppTest: a short run from click to outcome, per-session jobs."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from test_app import button, run_app

TINY = {"epochs": "25", "filters": "4,8", "units": "16", "samples": "40"}


def _app(query: dict[str, str]) -> AppTest:
    return run_app(query, tab="Train")


def _click(at: AppTest, label: str) -> None:
    button(at, label).click().run()


def _finish(at: AppTest, seconds: float = 120.0) -> None:
    deadline = time.time() + seconds
    while at.session_state["result"] is None and not at.session_state["run_error"]:
        assert time.time() < deadline, "the run did not end"
        time.sleep(0.2)
        at.run()


def test_train_runs_in_a_worker_and_reports_the_outcome():
    at = _app(TINY)
    assert not at.exception
    _click(at, "Train")
    _finish(at)
    assert not at.exception
    assert any(s.value.startswith("Finished 25 epochs in") for s in at.success)
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Run ") and "25 epochs" in c for c in captions)
    final = at.dataframe[-1].value  # the final loss per task
    assert list(final["Task"])[-1] == "total (sum)" and len(final) == 5
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Loss history (CSV)", "Trained model (.keras)"]
    assert any(m.value == "**Gradient conflict between tasks**" for m in at.markdown)
    assert at.session_state["job"].model_bytes()[:2] == b"PK"  # a .keras file is a zip


@pytest.mark.parametrize(
    ("query", "track", "reason"),
    [
        ({"k": "0"}, True, "no weights in this model serve more than one task"),
        ({}, False, "tracking was switched off for this run"),
    ],
    ids=["nothing-shared", "switched-off"],
)
def test_a_run_without_conflict_columns_says_why(query, track, reason):
    at = _app(TINY | {"epochs": "3"} | query)
    at.toggle(key="track_conflict").set_value(track).run()
    _click(at, "Train")
    _finish(at)
    assert not at.exception
    assert "gcos_mean" not in at.session_state["result"].history.columns
    captions = " ".join(c.value for c in at.caption)
    assert f"No gradient-conflict chart: {reason}" in captions
    assert not any(m.value == "**Gradient conflict between tasks**" for m in at.markdown)


def test_each_session_sees_only_its_own_run():
    first, second = _app(TINY), _app(TINY | {"seed": "7"})
    _click(first, "Train")
    _finish(first)
    second.run()
    assert second.session_state["job"] is None if "job" in second.session_state else True
    assert not any(s.value.startswith("Finished") for s in second.success)
    _click(second, "Train")
    _finish(second)
    assert first.session_state["job"].id != second.session_state["job"].id


def test_bad_training_values_in_the_link_warn_and_fall_back():
    at = _app({"epochs": "-5", "lr": "abc", "relatedness": "7"})
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "`epochs`" in warnings and "`lr`" in warnings and "`relatedness`" in warnings
    assert at.session_state["epochs"] == 1 and at.session_state["relatedness"] == 1.0
