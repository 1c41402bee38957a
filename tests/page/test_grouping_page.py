"""Deciding what to share through the page: the grouping oracle on the Compare tab, and the
tree the Train tab proposes from a run's affinity, tested beside its model (AppTest)."""

from __future__ import annotations

import numpy as np
import pytest

from components.shell.navigation import COMPARE, MODEL, TAB_KEY, TRAIN
from components.shell.session import Session
from support.page import (
    TINY,
    chart_traces,
    click,
    finish,
    open_expanders,
    plotly_values,
    run_app,
    train_tab,
)

# Tasks 1-2 and 3-4 each follow a signal of their own: a grouping worth finding.
TWO_FAMILIES = {**TINY, "families": "2", "relatedness": "1"}
MEANS = ("mean", "mean after PCGrad's projection")  # the conflict chart's two thick lines


def _texts(at) -> str:
    return " ".join(m.value for m in at.markdown)


@pytest.mark.slow
def test_the_oracle_ranks_every_grouping_over_seeds_and_marks_the_affinitys_pick():
    at = run_app({**TWO_FAMILIES, "features": "3"}, tab=COMPARE)  # 5 groupings of 3 tasks
    click(at, "Train every grouping (15 runs)")
    finish(at, 300.0, Session.cmp_groups.key)
    assert not at.exception
    ranking = next(d.value for d in at.dataframe if "Against the best" in d.value.columns)
    assert len(ranking) == 5 and set(ranking["Seeds"]) == {3}
    assert list(ranking["Rank"]) == [1, 2, 3, 4, 5] and ranking["Mean"].is_monotonic_increasing
    reading = _texts(at)
    assert "Best over 3 seeds:" in reading
    assert "The affinity measured in the one-trunk run predicted" in reading


@pytest.mark.slow
def test_a_runs_proposed_tree_is_trained_beside_its_model_and_nothing_shared():
    at = run_app(TWO_FAMILIES, tab=TRAIN)
    click(at, "Train")
    finish(at)
    open_expanders(at, "final_open")
    assert "**A tree to try.**" in _texts(at)
    test = next(b for b in at.button if b.label.startswith("Test it: this model, the tree"))
    test.click().run()
    assert at.session_state[TAB_KEY] == COMPARE
    assert any("see it below" in i.value for i in at.info)
    finish(at, 300.0, Session.cmp_groups.key)
    assert not at.exception
    assert "**The proposed tree, tested.**" in _texts(at)
    ranking = next(d.value for d in at.dataframe if "Against the best" in d.value.columns)
    labels = set(ranking["Configuration"])
    assert len(labels) == 3 and "Nothing shared" in labels
    assert any(label.startswith("Proposed tree") for label in labels)
    assert "The proposed tree: rank" in _texts(at)
    assert "holds only if the tree is ahead of the other two on every seed" in _texts(at)


def test_the_question_tab_leads_to_a_tree_and_to_the_oracle_on_two_families():
    at = run_app()
    next(b for b in at.button if b.label.startswith("See a tree in the graph")).click().run()
    assert at.session_state[TAB_KEY] == MODEL and at.query_params["variant"] == "branched"
    assert at.query_params["k"] == "0"
    at = run_app()
    click(at, "Try the grouping oracle on two families of series")
    assert not at.exception and at.session_state[TAB_KEY] == COMPARE
    assert at.query_params["families"] == "2" and at.query_params["relatedness"] == "1"
    assert any(b.label == "Train every grouping (45 runs)" for b in at.button)


@pytest.mark.slow
def test_pcgrad_and_uncertainty_weighting_are_trained_beside_the_plain_sum_over_seeds():
    at = run_app({**TINY, "relatedness": "0"}, tab=COMPARE)
    click(at, "Sum vs PCGrad vs uncertainty weighting on this model (9 runs)")
    finish(at, 300.0, Session.cmp_groups.key)
    assert not at.exception
    ranking = next(d.value for d in at.dataframe if "Against the best" in d.value.columns)
    assert set(ranking["Configuration"]) == {
        "Sum of the tasks' gradients (baseline)",
        "PCGrad",
        "Uncertainty weighting",
    }
    assert set(ranking["Seeds"]) == {3}
    assert "PCGrad: rank" in _texts(at) and "Uncertainty weighting: rank" in _texts(at)
    assert "A method helps this model only if it is ahead of the sum on every seed" in _texts(at)


def test_a_link_can_ask_for_pcgrad_and_the_sidebar_shows_it():
    at = run_app({"method": "pcgrad"})
    assert not at.exception and at.selectbox(key="method").value == "pcgrad"
    assert at.query_params["method"] == "pcgrad"


def test_a_run_with_uncertainty_weighting_shows_the_weights_it_learned():
    at = train_tab({**TINY, "method": "uncertainty"})
    click(at, "Train")
    finish(at)
    assert not at.exception
    (caption,) = [c.value for c in at.caption if c.value.startswith("Learned loss weights")]
    weights = [float(part.split()[-1]) for part in caption.split(": ")[1].split(". ")[0].split(",")]
    assert len(weights) == 4 and all(0 < w < 10 for w in weights)


def test_a_pcgrad_run_draws_the_conflict_its_projection_left_beside_the_conflict_it_found():
    at = train_tab({**TINY, "method": "pcgrad"})
    click(at, "Train")
    finish(at)
    open_expanders(at, "final_open")
    assert not at.exception
    assert any(c.value.startswith("This run stepped with **PCGrad**") for c in at.caption)
    final = at.get("plotly_chart")
    traces = next(
        chart_traces(c) for c in final if any(t.get("name") == "mean" for t in chart_traces(c))
    )
    found, left = (next(t for t in traces if t["name"] == n) for n in MEANS)
    found, left = plotly_values(found["y"]), plotly_values(left["y"])
    measured = ~np.isnan(found)
    assert measured.any() and np.isfinite(left[measured]).all()
    assert (np.abs(left[measured]) <= 1 + 1e-6).all()
    assert (left[measured] != found[measured]).any()  # not the found conflict drawn twice
    sum_run = train_tab(TINY)  # the plain sum: its chart has the found conflict alone
    click(sum_run, "Train")
    finish(sum_run)
    open_expanders(sum_run, "final_open")
    names = {t.get("name") for c in sum_run.get("plotly_chart") for t in chart_traces(c)}
    assert "mean" in names and MEANS[1] not in names
