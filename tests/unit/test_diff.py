"""Two configurations side by side: the change per layer, both totals, aligned graphs."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from models.analysis.diff import layer_changes, totals_change
from models.analysis.graph import aligned_layers_dot
from models.analysis.records import LayerInfo
from models.architectures.presets import MODEL_1, MODEL_2
from models.inspect import explained_analysis
from models.spec import ModelSpec

QUESTION = ModelSpec()


def _layer(tasks: set[str], calls: int = 1, params: int = 10) -> LayerInfo:
    ids = tuple(f"x#{i}" for i in range(calls))
    return LayerInfo("x", "Dense", params, (), ids, frozenset(tasks), frozenset({"in"}))


def test_model_1_against_model_2_layer_by_layer():
    one, two = explained_analysis(MODEL_1.on(QUESTION)), explained_analysis(MODEL_2.on(QUESTION))
    table = layer_changes(one, two).set_index("Layer")
    assert table.at["conv1", "Change"] == "shared across tasks → tied ×4 calls, -72 parameters"
    assert table.at["conv2", "Change"] == "removed" and table.at["conv2", "Role (B)"] == "—"
    assert table.at["feature3_conv2", "Change"] == "added"
    assert table.at["dense1", "Change"] == "+76,800 parameters"
    assert table.at["task4_head", "Change"] == "same"
    totals = totals_change(one, two)
    assert (totals.a, totals.b, totals.difference) == (52_012, 134_644, 82_632)


def test_a_layer_that_becomes_shared_or_task_specific_says_so():
    from models.analysis.diff import _change

    assert _change(_layer({"t1"}), _layer({"t1", "t2"})) == "became shared"
    assert _change(_layer({"t1"}, calls=2, params=4), _layer({"t1"})) == (
        "became task-specific, +6 parameters"
    )


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz to lay the graphs out")
def test_aligned_graphs_put_every_shared_layer_in_the_same_place():
    one, two = explained_analysis(MODEL_1.on(QUESTION)), explained_analysis(MODEL_2.on(QUESTION))
    places = []
    for this, that in ((one, two), (two, one)):
        dot = aligned_layers_dot(this, that)
        plain = subprocess.run(["dot", "-Tplain"], input=dot.encode(), capture_output=True)
        ids = dict(re.findall(r'(n\d+) \[label="([^" ·]+) ·', dot))
        nodes = [line.split() for line in plain.stdout.decode().splitlines() if line[:4] == "node"]
        places.append({ids[n[1]]: (n[2], n[3]) for n in nodes if n[1] in ids})
    common = places[0].keys() & places[1].keys()
    assert {"conv1", "dense1", "task1_head"} <= common
    assert all(places[0][name] == places[1][name] for name in common)
