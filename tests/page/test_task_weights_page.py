"""Hand-set task loss weights through the page: from a link to the sidebar and the run, and
refused in words when they do not fit the model (AppTest)."""

from __future__ import annotations

import pytest

from support.page import TINY, button, click, finish, train_tab


@pytest.mark.slow
def test_a_link_sets_the_weights_the_run_uses_them_and_a_wrong_count_is_refused():
    at = train_tab({**TINY, "weights": "1,1,2.5,1"})
    assert not at.exception
    assert at.text_input(key="weights").value == "1, 1, 2.5, 1"
    assert at.query_params["weights"] == "1,1,2.5,1"
    click(at, "Train")
    finish(at)
    (result,) = at.session_state["train_batch"].results()
    assert at.session_state["train_batch"].handles[0].job.config.task_weights == (1, 1, 2.5, 1)
    assert result.status == "finished"
    assert any("task loss weights 1, 1, 2.5, 1" in c.value for c in at.caption)
    at.text_input(key="weights").input("1, 2").run()
    assert button(at, "Train").disabled
    assert any("2 given for 4 tasks" in e.value for e in at.error)
    at.text_input(key="weights").input("1, x").run()  # text that does not parse keeps the last
    assert any("keeping 1,2" in w.value for w in at.warning)
    at.text_input(key="weights").input("").run()  # empty: every task weighs 1
    assert not button(at, "Train").disabled and "weights" not in at.query_params
