"""Where tasks conflict, in the page (AppTest): after one Train of model 1."""

from __future__ import annotations

import pytest

from models.analysis.palette import conflict_fill
from support.page import click, finish, graphs, open_expanders, train_tab

# Trains in worker processes: left out of the quick loop.
pytestmark = pytest.mark.slow


def test_one_train_of_model_1_shows_every_shared_layer_affinity_and_a_suggestion():
    at = train_tab({"epochs": "60"})  # the question's model 1 at its own sizes
    click(at, "Train")
    finish(at)
    assert not at.exception
    assert not graphs(at) and not at.dataframe, "the detail is drawn only once opened"
    open_expanders(at, "final_open", "final_graph_open")
    table = next(d.value for d in at.dataframe if "Epochs below 0" in d.value.columns)
    assert list(table["Layer"]) == ["conv1", "conv2", "conv3", "dense1", "dense2"]
    assert list(table["Parameters"]) == [104, 400, 1_568, 25_800, 20_100]
    assert table["Mean cosine"].between(-1, 1).all()
    assert table["Φ (magnitude similarity)"].between(0, 1).all()
    captions = " ".join(c.value for c in at.caption)
    assert "Task affinity (Fifty et al., 2021)" in captions and "helps task" in captions
    advice = " ".join(i.value for i in at.info)
    assert "conflict" in advice or "evidence is too weak" in advice
    assert graphs(at), "the coloured graph is drawn"
    # Apply a suggested k if there is one; the Model tab then colours nothing (another spec).
    apply = [b for b in at.button if b.label.startswith("Apply k = ")]
    if apply:
        k = int(apply[0].label.removeprefix("Apply k = "))
        apply[0].click().run()
        assert at.session_state["k"] == k


def test_the_model_tab_colours_the_trained_model_by_its_conflict():
    at = train_tab({"epochs": "30"})
    click(at, "Train")
    finish(at)
    at.session_state["tab"] = "Model"
    at.run()
    assert not at.exception
    toggle = next(t for t in at.toggle if t.label.startswith("Colour shared layers"))
    assert toggle.value
    svg = graphs(at)[0]
    spec, cosines = at.session_state["conflict_colours"]
    assert [name for name, _ in cosines] == ["conv1", "conv2", "conv3", "dense1", "dense2"]
    fills = {conflict_fill(c) for _, c in cosines}
    assert all(f'fill="{fill.lower()}"' in svg for fill in fills)
    assert "Shared layers by mean gradient cosine" in " ".join(h.proto.body for h in at.get("html"))
    toggle.set_value(False).run()
    plain = graphs(at)[0]
    assert not any(f'fill="{fill.lower()}"' in plain for fill in fills - {"#F7F7F7"})
