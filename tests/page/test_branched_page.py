"""The branched variant in the page: its groups box, the link, the counts and a run (AppTest)."""

from __future__ import annotations

from components.shell.navigation import MODEL, TRAIN
from support.page import TINY, click, finish, metric, run_app

BRANCHED = {"variant": "branched", "k": "2"}


def test_typed_groups_build_their_tree_and_go_into_the_link():
    at = run_app(BRANCHED, tab=MODEL)
    box = at.text_input(key="groups")
    assert box.value == "" and box.placeholder.startswith("1, 1, 2, 2")
    assert metric(at, "Total parameters") == "99,480"  # the default: {1, 2} and {3, 4}
    box.set_value("1, 2, 1, 3").run()
    assert not at.exception
    assert at.query_params["groups"] == "1,2,1,3"
    assert metric(at, "Total parameters") == "146,948"
    sentences = " ".join(m.value for m in at.markdown)
    assert "split into 3 branches ({1, 3}, {2} and {4})" in sentences


def test_groups_are_written_in_canonical_order_and_dropped_by_another_variant():
    at = run_app({**BRANCHED, "groups": "2,2,1,1"}, tab=MODEL)
    assert at.query_params["groups"] == "1,1,2,2"  # the same tree, written one way
    at.radio(key="variant").set_value("hard").run()
    assert not at.exception and "groups" not in at.query_params
    assert metric(at, "Total parameters") == "194,416"  # hard at k = 2: a branch per task


def test_groups_that_do_not_give_one_per_task_say_how_to_fix_them():
    at = run_app({**BRANCHED, "groups": "1,2"}, tab=MODEL)
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "2 group numbers for 4 tasks: give one per task, e.g. 1, 1, 2, 2" in errors


def test_a_branched_model_trains_through_the_page():
    at = run_app({**BRANCHED, "groups": "1,1,1,2", **TINY}, tab=TRAIN)
    click(at, "Train")
    finish(at)
    assert not at.exception
    assert any("Finished" in s.value for s in (*at.success, *at.caption, *at.markdown))


def test_a_compared_tree_is_reopened_by_its_link_and_keeps_its_groups():
    at = run_app({"tab": "compare", "compare": "hard.5,branched.0.1-2-1-2"})
    assert not at.exception
    names = [m.value.split("**")[1] for m in at.markdown if m.value.startswith("<span")]
    assert names == ["Question: model 1", "branched, k = 0, groups {1, 3} and {2, 4}"]
    assert at.query_params["compare"] == "hard.5,branched.0.1-2-1-2"
    at.radio(key="variant").set_value("towers").run()  # the sidebar moves on; the tree stays
    assert at.query_params["compare"] == "hard.5,branched.0.1-2-1-2"
