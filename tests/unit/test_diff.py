"""Two configurations side by side: the change per layer, both totals, aligned graphs."""

from __future__ import annotations

from models.analysis.diff import layer_changes, totals_change
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
    # model 1's conv2 is model 2's feature1_conv2 … feature4_conv2: one row, never "removed"
    assert table.at["conv2", "Change"] == "one per feature (4 × 400), +1,200 parameters"
    assert table.at["conv3", "Change"] == "one per feature (4 × 1,568), +4,704 parameters"
    assert table.at["conv2", "Parameters (B)"] == 1_600
    assert "feature3_conv2" not in table.index and "removed" not in set(table["Change"])
    assert table.at["concat", "Change"] == "added"
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


def test_copies_per_task_and_per_feature_are_matched_both_ways():
    one, two = explained_analysis(MODEL_1.on(QUESTION)), explained_analysis(MODEL_2.on(QUESTION))
    none = explained_analysis(QUESTION.replace(shared_layers=0))
    back = layer_changes(two, one).set_index("Layer")
    assert back.at["conv2", "Change"] == "one per feature (4 × 400) → one shared, -1,200 parameters"
    across = layer_changes(none, two).set_index("Layer")
    assert across.at["conv2", "Change"] == "one per task (4 × 400) → one per feature (4 × 400)"
    assert across.at["dense2", "Change"].startswith("one per task (4 × 20,100) → one shared")
    assert not {"added", "removed"} & set(layer_changes(one, none)["Change"])
