"""Beyond parameters in the page (AppTest): model 2's tied conv1 computes at each of its four
calls, and the sentence says what sharing saves and what tying does not."""

from __future__ import annotations

from support.page import open_expanders, run_app


def test_the_model_tab_shows_what_each_layer_computes_and_keeps():
    at = run_app({"variant": "towers", "k": "1", "batch": "16"}, tab="Model")
    assert not at.exception
    flops = "Forward FLOPs per window"
    assert not any(flops in d.value.columns for d in at.dataframe)  # drawn once opened
    open_expanders(at, "layer_table_costs_open")
    frame = next(d.value for d in at.dataframe if flops in d.value.columns)
    conv1 = frame[frame["Layer"] == "conv1"].iloc[0]
    whole = frame[frame["Layer"] == "whole model"].iloc[0]
    assert conv1["Calls"] == 4 and conv1["Parameters"] == 32
    assert "Activations kept, KB (batch 16)" in frame.columns
    assert whole["Adam state, KB"] == 2 * whole["Parameters"] * 4 / 1024
    sentences = " ".join(m.value for m in at.markdown)
    assert "Tying saves weights only: `conv1`" in sentences and "4 calls" in sentences
