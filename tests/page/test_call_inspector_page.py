"""The call inspector on the Model tab: every call of a layer object, its output for one window
and its part of the gradient, at the starting weights and after a run."""

from __future__ import annotations

import numpy as np

from components.shell.navigation import MODEL, TRAIN
from support.page import TINY, chart_traces, click, finish, plotly_values, run_app

MODEL_2 = {"variant": "towers", "k": "1"}


def _open_inspector(query: dict, layer: str | None = None, weights: str | None = None):
    at = run_app(query, tab=MODEL)
    at.session_state["inspector_open"] = True
    if layer is not None:
        at.session_state["inspect_layer"] = layer
    if weights is not None:
        at.session_state["inspect_weights"] = weights
    return at.run()


def _heatmaps(at) -> list[np.ndarray]:
    """Each drawn heatmap's values, in the page's order."""
    traces = [t for chart in at.get("plotly_chart") for t in chart_traces(chart)]
    return [plotly_values(t["z"]) for t in traces if t.get("type") == "heatmap"]


def _gradient_table(at):
    """The calls x tasks table of gradient parts (rows "call 1", "call 2", ...)."""
    return next(d.value for d in at.dataframe if list(d.value.index[:1]) == ["call 1"])


def test_model_2s_conv1_shows_four_calls_each_with_its_own_output():
    at = _open_inspector(MODEL_2)
    assert not at.exception
    assert at.selectbox(key="inspect_layer").value == "conv1"  # the tied layer comes first
    maps = _heatmaps(at)
    assert len(maps) == 4
    assert all(m.shape == maps[0].shape for m in maps)
    assert not any(np.allclose(maps[0], other) for other in maps[1:])  # four inputs, four outputs
    table = _gradient_table(at)
    assert list(table.index) == ["call 1", "call 2", "call 3", "call 4"]
    assert (table.to_numpy() > 0).all()  # every call's output reaches every task's head
    captions = " ".join(c.value for c in at.caption)
    assert "add up to the gradient Keras computes" in captions
    assert "conv1_out2" in captions  # how to read the second call, named as the code names it


def test_a_layer_called_once_has_one_call_and_only_its_task_pulls_a_head():
    at = _open_inspector(MODEL_2, layer="task2_head")
    assert len(_heatmaps(at)) == 1
    (row,) = _gradient_table(at).to_numpy()
    assert row[1] > 0 and row[0] == row[2] == row[3] == 0


def test_after_a_run_the_trained_weights_can_be_inspected():
    query = {**MODEL_2, **TINY}
    at = run_app(query, tab=TRAIN)
    click(at, "Train")
    finish(at)
    at.session_state["tab"] = MODEL
    at.session_state["inspector_open"] = True
    at.run()
    start = _heatmaps(at)[0]
    assert at.radio(key="inspect_weights").options == [
        "as Train starts (seed 0)",
        "after your last run",
    ]
    at.radio(key="inspect_weights").set_value("trained").run()
    assert not at.exception
    assert not np.allclose(_heatmaps(at)[0], start)  # trained weights compute something else
