"""Freezing a layer object through the page: the link, the graph, the code, the run's proof,
and a variant change that renames the layer."""

from __future__ import annotations

from components.shell.navigation import MODEL, TRAIN
from support.page import TINY, click, finish, run_app

MODEL_2 = {"variant": "towers", "k": "1"}


def test_a_frozen_shared_layer_is_marked_in_every_call_and_kept_in_the_link():
    at = run_app({**MODEL_2, "frozen": "conv1"}, tab=MODEL)
    assert not at.exception
    assert at.multiselect(key="frozen").value == ["conv1"]
    captions = " ".join(c.value for c in at.caption)
    assert "`conv1` (all 4 calls)" in captions and "not of a call" in captions
    assert at.query_params["frozen"] == "conv1"


def test_picking_a_layer_freezes_it_and_the_run_proves_it_kept_its_weights():
    at = run_app({**MODEL_2, **TINY}, tab=MODEL)
    at.multiselect(key="frozen").select("conv1").run()
    assert not at.exception and at.query_params["frozen"] == "conv1"
    at.session_state["tab"] = TRAIN
    at.run()
    click(at, "Train")
    finish(at)
    proof = " ".join(c.value for c in at.caption)
    assert "weights of `conv1` are bit-identical to their start" in proof
    assert "every other layer with weights moved" in proof


def test_a_variant_that_renames_the_layer_unfreezes_it_with_a_word():
    at = run_app({**MODEL_2, "frozen": "conv1,feature2_conv2"}, tab=MODEL)
    at.session_state["variant"] = "hard"
    at.session_state["k"] = 0  # nothing shared: conv1 becomes task1_conv1, ...
    at.run()
    assert not at.exception
    notes = " ".join(i.value for i in at.info)
    assert "No longer frozen: conv1, feature2_conv2" in notes
    assert at.multiselect(key="frozen").value == []
    assert at.query_params.get("frozen", "") == ""
