"""The Question tab's verdicts in the page (AppTest): read off the Lab's results."""

from __future__ import annotations

from support.page import metric, run_app


def test_the_question_tab_shows_each_verdict_and_opens_its_evidence():
    at = run_app(tab="Question")
    assert not at.exception
    texts = [m.value for m in at.markdown]
    assert texts.count(":blue-badge[No]") == 2 and ":orange-badge[Partly]" in texts
    assert any("32 against 104 parameters" in t for t in texts)
    next(b for b in at.button if b.key == "question_lab_c").click()
    assert at.run().session_state["tab"] == "Lab"


def test_see_it_in_the_graph_opens_the_preset_one_node_per_call():
    at = run_app(tab="Question")
    next(b for b in at.button if b.key == "question_graph_b").click()
    at.run()
    state = at.session_state
    assert (state["tab"], state["variant"], state["k"], state["view"]) == (
        "Model",
        "towers",
        1,
        "calls",
    )
    assert metric(at, "Total parameters") == "134,644"
