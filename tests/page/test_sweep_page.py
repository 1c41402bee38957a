"""The guided relatedness sweep in the page (AppTest)."""

from __future__ import annotations

import time

import pytest

from components.compare.sweep import SWEEP_BUTTON
from components.shell.session import Session
from models.experiments import sweep
from support.page import button, run_app


@pytest.mark.slow
def test_the_compare_tab_runs_the_sweep_and_reads_it():
    at = run_app({"filters": "4,8", "units": "16"}, tab="Compare")
    assert any(c.value.startswith("18 runs: both models at relatedness") for c in at.caption)
    button(at, SWEEP_BUTTON).click().run()
    deadline = time.time() + 240
    while at.session_state[Session.cmp_sweep.key].running:
        assert time.time() < deadline, "the sweep did not end"
        time.sleep(0.5)
        at.run()
    at.run()
    assert not at.exception
    assert any(m.value.startswith("Over 3 seeds (mean best validation loss)") for m in at.markdown)
    (table,) = [d.value for d in at.dataframe if "Verdict" in d.value.columns]
    assert list(table["Relatedness"]) == list(sweep.SWEEP_RELATEDNESS)
    assert list(table["Seeds"]) == [3] * len(sweep.SWEEP_RELATEDNESS)
    assert table[sweep.GAP].str.match(r"^[+−]\d\.\d{3} \([+−]\d\.\d{3} to [+−]\d\.\d{3}\)$").all()
