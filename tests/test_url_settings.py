"""The sidebar's settings as text, parsed into a spec; names listed as the tables show them."""

from __future__ import annotations

from dataclasses import fields

from models.analysis.tables import served
from models.spec import ModelSpec
from models.urlstate import LIST_FIELDS, list_text, spec_from_settings

MODEL_2 = ModelSpec(variant="towers", shared_layers=1)


def test_names_in_model_order_or_all_of_them():
    every = ("task1_head", "task2_head", "task3_head")
    assert served({"task3_head", "task1_head"}, every, "tasks") == "task1_head, task3_head"
    assert served(set(every), every, "tasks") == "all 3 tasks"
    assert served({"task2_head"}, every, "tasks", "_head") == "task2"
    assert served({"x"}, ("x",), "inputs") == "x"  # one of one is named, not "all 1"


def _settings(spec: ModelSpec, **text) -> dict:
    """Settings by field as the sidebar holds them: lists as comma text."""
    values = {f.name: getattr(spec, f.name) for f in fields(spec)}
    return values | {f: list_text(values[f]) for f in LIST_FIELDS} | text


def test_settings_text_parses_into_a_spec():
    spec, problems = spec_from_settings(_settings(MODEL_2, dense_units=" 64, ,32 "), ModelSpec())
    assert problems == [] and spec == MODEL_2.replace(dense_units=(64, 32))


def test_bad_list_text_keeps_the_last_good_list_and_says_so():
    last = ModelSpec(conv_filters=(4, 6))
    spec, problems = spec_from_settings(_settings(MODEL_2, conv_filters="8, x"), last)
    assert spec == MODEL_2.replace(conv_filters=(4, 6))
    assert problems == ["Filters: '8, x' is not a list of whole numbers in 1–256; keeping 4,6."]
