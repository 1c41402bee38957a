"""DOT text for both views, tables, and the URL round trip with bad values."""

from __future__ import annotations

import re

import pytest

from models.analysis.graph import to_dot
from models.analysis.palette import OKABE_ITO
from models.analysis.sharing import analyse
from models.analysis.tables import call_table, layer_table
from models.architectures.variants import build_model
from models.spec import ModelSpec
from models.urlstate import spec_from_query, spec_to_query

MODEL_2 = ModelSpec(variant="towers", shared_layers=1)


@pytest.fixture(scope="module")
def model_2():
    return analyse(build_model(MODEL_2))


def _nodes(dot: str) -> list[str]:
    return re.findall(r"^[lc]\d+ \[label=\"([^\"]*)\"", dot, flags=re.M)


def test_layers_view_has_one_coloured_node_for_the_shared_conv(model_2):
    dot = to_dot(model_2, "layers")
    conv_nodes = [n for n in _nodes(dot) if n.startswith("conv1 ")]
    assert conv_nodes == ["conv1 · Conv1D\\n(None, 8, 8)\\n32 params · ×4 calls"]
    assert OKABE_ITO[0] in dot
    assert len(_nodes(dot)) == len(model_2.layers)


def test_calls_view_has_a_node_per_call_tied_by_dashed_edges(model_2):
    dot = to_dot(model_2, "calls", "LR")
    labels = _nodes(dot)
    assert sum(label.startswith("conv1 · Conv1D · call") for label in labels) == 4
    assert len(labels) == len(model_2.calls)
    assert dot.count("style=dashed") == 3 and "same weights" in dot
    assert "rankdir=LR" in dot


def test_layer_names_are_escaped_in_dot():
    import keras
    from keras import layers

    inp = keras.Input((3,), name="in")
    out = layers.Dense(2, name='evil"name\\N{x}<b>')(inp)
    dot = to_dot(analyse(keras.Model(inp, out)), "calls")
    assert 'evil\\"name\\\\N{x}<b>' in dot


def test_tables_list_every_layer_and_call(model_2):
    layers = layer_table(model_2)
    row = layers.set_index("Layer").loc["conv1"]
    assert row["Calls"] == 4 and row["Role"] == "tied ×4 calls"
    assert row["Output shape per call"] == "(None, 8, 8) at each of 4 calls"
    assert row["Inputs seen"] == "all 4 inputs"
    calls = call_table(model_2)
    assert list(calls[calls["Layer object"] == "conv1"]["Call"]) == [
        f"conv1 #{i}" for i in range(1, 5)
    ]


def test_url_round_trip():
    spec = ModelSpec(
        variant="towers",
        shared_layers=2,
        n_features=3,
        conv_filters=(4, 5, 6),
        dense_units=(7,),
        kernel_size=2,
        horizon=4,
        timesteps=12,
    )
    assert spec_from_query(spec_to_query(spec)) == (spec, [])
    assert all(isinstance(v, str) for v in spec_to_query(spec).values())


@pytest.mark.parametrize(
    ("query", "key", "expect"),
    [
        ({"variant": "nope"}, "variant", {"variant": "hard"}),
        ({"k": "-3"}, "k", {"shared_layers": 0}),
        ({"filters": "abc"}, "filters", {"conv_filters": (8, 16, 32)}),
        ({"features": "100000"}, "features", {"n_features": 16}),
        ({"units": ""}, "units", {"dense_units": (200, 100)}),
        ({"kernel": "1e9"}, "kernel", {"kernel_size": 3}),
        ({"variant": "towers", "k": "5"}, "k", {"shared_layers": 3}),
    ],
)
def test_bad_url_values_warn_and_fall_back(query, key, expect):
    spec, warnings = spec_from_query(query)
    assert len(warnings) == 1 and f"`{key}`" in warnings[0]
    for field, value in expect.items():
        assert getattr(spec, field) == value


@pytest.mark.parametrize(
    ("query", "k", "warning"),
    [
        ({"variant": "foo", "k": "-3"}, 0, "`k`: -3 is outside 0–5 for the hard variant"),
        ({"variant": "towers", "k": "9"}, 3, "`k`: 9 is outside 0–3 for the towers variant"),
        ({"variant": "mmoe", "k": "0"}, 1, "`k`: 0 is outside 1–8 for the mmoe variant"),
    ],
)
def test_a_bad_k_is_checked_against_its_own_variants_range(query, k, warning):
    spec, warnings = spec_from_query(query)
    assert spec.shared_layers == k
    assert any(warning in w for w in warnings), warnings
