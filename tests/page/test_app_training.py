"""The Train tab through AppTest: a short run from click to outcome, per-session jobs."""

from __future__ import annotations

import pytest

from models.training.history import has_conflict
from support.page import TINY, click, finish, open_expanders, train_tab

# Trains in worker processes or drives many page runs: left out of the quick loop.
pytestmark = pytest.mark.slow


def test_train_runs_in_a_worker_and_reports_the_outcome():
    at = train_tab(TINY)
    assert not at.exception
    click(at, "Train")
    finish(at)
    assert not at.exception
    assert any(s.value.startswith("Finished 25 epochs in") for s in at.success)
    assert not at.error  # a finished run is told once, in green (it was also shown as an error)
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Run ") and "25 epochs" in c for c in captions)
    final = next(t.value for t in at.table if "Task" in t.value.columns)  # loss per task
    assert list(final["Task"])[-1] == "total (sum)" and len(final) == 5
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Loss history (CSV)", "Trained model (.keras)"]
    assert not any(m.value == "**Gradient conflict between tasks**" for m in at.markdown)
    assert not any(s.label == "Validation window" for s in at.slider)
    open_expanders(at, "final_open", "forecasts_open")  # each drawn once opened
    assert any(m.value == "**Gradient conflict between tasks**" for m in at.markdown)
    assert any(s.label == "Validation window" for s in at.slider)
    assert at.session_state["train_batch"].handles[0].model_bytes()[:2] == b"PK"  # a zip


@pytest.mark.parametrize(
    ("query", "track", "reason"),
    [
        ({"k": "0"}, True, "no weights in this model serve more than one task"),
        ({}, False, "tracking was switched off for this run"),
    ],
    ids=["nothing-shared", "switched-off"],
)
def test_a_run_without_conflict_columns_says_why(query, track, reason):
    at = train_tab(TINY | {"epochs": "3"} | query)
    at.toggle(key="track_conflict").set_value(track).run()
    click(at, "Train")
    finish(at)
    assert not at.exception
    (result,) = at.session_state["train_batch"].results()
    assert not has_conflict(result.history)
    captions = " ".join(c.value for c in at.caption)
    assert f"No gradient-conflict chart: {reason}" in captions
    assert not any(m.value == "**Gradient conflict between tasks**" for m in at.markdown)


def test_each_session_sees_only_its_own_run():
    first, second = train_tab(TINY), train_tab(TINY | {"seed": "7"})
    click(first, "Train")
    finish(first)
    second.run()
    assert "train_batch" not in second.session_state  # the first session's run is not here
    assert not any(s.value.startswith("Finished") for s in second.success)
    assert not any(c.value.startswith("Run ") for c in second.caption)
    click(second, "Train")
    finish(second)
    # Run numbers count per session: both sessions' first run is "Run 1", of its own job.
    runs = [at.session_state["train_batch"] for at in (first, second)]
    assert [batch.items for batch in runs] == [[1], [1]]
    assert runs[0].handles[0].id != runs[1].handles[0].id
    seeds = [batch.handles[0].job.config.seed for batch in runs]
    assert seeds == [0, 7]
    captions = [
        next(c.value for c in at.caption if c.value.startswith("Run ")) for at in (first, second)
    ]
    assert "seed 0" in captions[0] and "seed 7" in captions[1]


def test_bad_training_values_in_the_link_warn_and_fall_back():
    at = train_tab({"epochs": "-5", "lr": "abc", "relatedness": "7"})
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "`epochs`" in warnings and "`lr`" in warnings and "`relatedness`" in warnings
    assert at.session_state["epochs"] == 1 and at.session_state["relatedness"] == 1.0


def test_an_mmoe_run_shows_how_each_task_uses_the_experts():
    at = train_tab(TINY | {"variant": "mmoe", "k": "2", "epochs": "5"})
    click(at, "Train")
    finish(at)
    assert not at.exception
    assert any(m.value == "**How each task uses the experts**" for m in at.markdown)
    assert any("Task 1 uses expert" in c.value for c in at.caption)


def test_the_data_preview_is_drawn_only_while_open():
    at = train_tab(TINY)
    expander = next(e for e in at.expander if e.label == "The data")
    assert not expander.get("plotly_chart") and not expander.caption  # closed: nothing drawn
    at.session_state["data_preview_open"] = True  # what a click on its label sets
    at.run()
    assert not at.exception
    expander = next(e for e in at.expander if e.label == "The data")
    assert len(expander.get("plotly_chart")) == 1
    assert expander.caption[0].value.startswith("toy data, 40 windows")  # TINY's samples
    assert expander.caption[-1].value.startswith("Solid: a window's input steps")
