"""The Compare tab through AppTest, and the process pool under a queue of jobs."""

from __future__ import annotations

import time

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components.compare.picker import offered_specs
from components.shell import page
from components.shell.session import Session
from models.experiments.configurations import default_configurations
from models.experiments.sweep import sweep_configurations
from models.spec import ModelSpec
from support.page import button, run_app

# Trains in worker processes or drives many page runs: left out of the quick loop.
pytestmark = pytest.mark.slow


TINY = {"epochs": "15", "filters": "4,8", "units": "16", "samples": "40"}


def _app(query: dict[str, str]) -> AppTest:
    return run_app(query, tab="Compare")


def _results(at: AppTest) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe if "Configuration" in d.value.columns]


def _wait_for_batch(at: AppTest, seconds: float) -> None:
    """Rerun until the batch has collected every outcome (finished or stopped)."""
    deadline = time.time() + seconds
    while at.session_state["cmp_batch"].running:
        assert time.time() < deadline, "the batch did not end"
        time.sleep(0.3)
        at.run()
    at.run()


def _listed(at: AppTest) -> list[str]:
    return [m.value.split("**")[1] for m in at.markdown if m.value.startswith("<span")]


def test_compare_tab_lists_the_default_configurations():
    at = _app(TINY)
    assert not at.exception
    assert _listed(at) == ["Question: model 1", "Nothing shared", "Question: model 2"]
    assert button(at, "+ Question: model 1").disabled  # already in the comparison
    assert not button(at, "+ All conv layers shared").disabled
    assert not button(at, "Train all").disabled and button(at, "Stop all").disabled


def test_adding_stops_at_the_cap_and_removing_frees_a_place():
    at = _app(TINY)
    button(at, "+ All conv layers shared").click().run()
    at.selectbox(key="cmp_variant").set_value("hard").run()
    for k in (1, 2):
        at.number_input(key="cmp_k").set_value(k).run()
        button(at, "Add").click().run()
    assert len(_listed(at)) == 6
    assert button(at, "Add").disabled
    assert any("6 configurations is the most" in i.value for i in at.info)
    at.button(key="cmp_remove_0").click().run()
    assert "Question: model 1" not in _listed(at) and not button(at, "Add").disabled


def test_train_all_fills_the_results_table_for_this_session_only():
    at, other = _app(TINY), _app(TINY)
    button(at, "Train all").click().run()
    _wait_for_batch(at, 180)
    assert not at.exception
    (table,) = _results(at)
    assert list(table["Configuration"]) == [
        "Question: model 1",
        "Nothing shared",
        "Question: model 2",
    ]
    assert list(table["Status"]) == ["finished"] * 3
    assert (table["Total parameters"] > 0).all() and table["Final val loss"].notna().all()
    assert at.get("download_button")[0].label == "Download the results (CSV)"
    other.run()
    assert "cmp_batch" not in other.session_state and not _results(other)


def test_stop_all_ends_every_run_of_the_batch():
    at = _app(TINY | {"epochs": "5000"})
    button(at, "Train all").click().run()
    assert not button(at, "Stop all").disabled
    button(at, "Stop all").click().run()
    _wait_for_batch(at, 120)
    (table,) = _results(at)
    assert "finished" not in set(table["Status"])
    assert (table["Epochs"] < 5000).all()


class _RecordingService:
    """Stands in for the training service where the page asks workers to compile ahead."""

    def __init__(self):
        self.prepared: list[tuple] = []
        self.owners: list[object] = []

    def prepare(self, *specs, owner=None) -> None:
        self.prepared.append(specs)
        self.owners.append(owner)


def test_the_compare_tab_compiles_its_list_then_the_quick_picks_and_so_the_sweep(monkeypatch):
    service = _RecordingService()
    monkeypatch.setattr(page, "training_service", lambda: service)
    at = _app({"k": "2"})
    assert not at.exception
    wanted = list(service.prepared[-1])  # most wanted first
    assert service.owners[-1] == at.session_state[Session.visitor_id.key]  # this visitor's wishes
    spec = ModelSpec(shared_layers=2)
    listed = [c.spec for c in default_configurations(spec)]
    assert wanted == list(dict.fromkeys([spec, *listed, *offered_specs(spec)]))
    assert len(wanted) == 5  # k = 2, the three listed, the one quick pick left
    assert all(c.spec in wanted for c in sweep_configurations(spec))


def test_presenting_folds_the_list_once_trained_so_the_curves_come_first():
    at = _app({**TINY, "present": "1"})
    assert not any(e.label.startswith("Configurations (") for e in at.expander)
    button(at, "Train all").click().run()
    _wait_for_batch(at, 120)
    (folded,) = [e for e in at.expander if e.label.startswith("Configurations (3)")]
    assert "Question: model 1, Nothing shared, Question: model 2" in folded.label
    table = _results(at)[0]
    assert {"Forward FLOPs per window", "Activations kept (MB)"} <= set(table.columns)
    assert table["Forward FLOPs per window"].gt(0).all()
