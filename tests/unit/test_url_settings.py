"""The sidebar's settings as text, parsed into a spec; names listed as the tables show them."""

from __future__ import annotations

from models.analysis.tables import served
from models.spec import ModelSpec
from models.urlstate import LIST_FIELDS, list_from_text, list_text

MODEL_2 = ModelSpec(variant="towers", shared_layers=1)


def test_names_in_model_order_or_all_of_them():
    every = ("task1_head", "task2_head", "task3_head")
    assert served({"task3_head", "task1_head"}, every, "tasks") == "task1_head, task3_head"
    assert served(set(every), every, "tasks") == "all 3 tasks"
    assert served({"task2_head"}, every, "tasks", "_head") == "task2"
    assert served({"x"}, ("x",), "inputs") == "x"  # one of one is named, not "all 1"


def test_list_text_is_read_into_the_list_the_spec_holds():
    assert LIST_FIELDS == ("conv_filters", "dense_units", "task_groups")
    assert list_text(MODEL_2.conv_filters) == "8, 16, 32"
    assert list_from_text("dense_units", " 64, ,32 ", MODEL_2.dense_units) == ((64, 32), None)
    assert list_from_text("conv_filters", "", (4, 6)) == ((), None)  # no conv layers


def test_bad_list_text_keeps_the_last_good_list_and_says_so():
    kept, problem = list_from_text("conv_filters", "8, x", (4, 6))
    assert kept == (4, 6)
    assert problem == "Filters: '8, x' is not a list of whole numbers in 1–256; keeping 4,6."


def test_a_link_leaves_out_page_values_at_their_usual_value_or_empty():
    from models.urlstate import shortened

    query = {"variant": "hard", "present": "0", "tab": "model", "compare": "", "extra": "2"}
    usual = {"present": "0", "extra": "0", "tab": "question", "compare": "hard.5,hard.0"}
    assert shortened(query, usual) == {"variant": "hard", "tab": "model", "extra": "2"}
    assert shortened({"compare": "hard.5,hard.0"}, usual) == {}
    assert shortened({"variant": ""}, usual) == {"variant": ""}  # only page values are left out
