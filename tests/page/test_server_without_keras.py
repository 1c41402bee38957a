"""The page's server never imports TensorFlow or Keras: every tab is drawn, a model is trained
and its outcome shown, and both stay out of `sys.modules`. Keras runs in worker processes only
(training workers, the Keras lane, the single-use upload loader).

Run in a fresh interpreter: the test process itself has imported Keras for other tests.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # starts worker processes and trains

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import sys, time
    from streamlit.testing.v1 import AppTest

    def page(tab, query):
        at = AppTest.from_file("app.py", default_timeout=180)
        at.session_state["tab"] = tab
        for key, value in query.items():
            at.query_params[key] = value
        return at.run()

    TINY = {"epochs": "5", "filters": "4,8", "units": "16", "samples": "40"}
    drawn = []
    for tab, query in [
        ("Question", {}),
        ("Model", {"variant": "towers", "k": "1", "view": "calls"}),
        ("Compare", {}),
        ("Lab", {}),
        ("Your model", {}),
    ]:
        at = page(tab, query)
        assert not at.exception, (tab, at.exception)
        assert not at.error and not at.warning, (tab, at.error, at.warning)
        drawn.append(tab)
    at = page("Train", TINY)
    next(b for b in at.button if b.label == "Train").click().run()
    deadline = time.time() + 120
    while at.session_state["train_batch"].running and time.time() < deadline:
        time.sleep(0.2)
        at.run()
    assert any(s.value.startswith("Finished 5 epochs") for s in at.success), at.success
    drawn.append("Train")
    heavy = sorted(m for m in ("keras", "tensorflow") if m in sys.modules)
    print("drawn:", ",".join(drawn), "heavy:", ",".join(heavy) or "none")
    """
)


def test_the_server_draws_every_tab_and_trains_without_importing_keras():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    last = (done.stdout.strip().splitlines() or [""])[-1]
    assert done.returncode == 0, done.stderr[-3000:]
    assert last == "drawn: Question,Model,Compare,Lab,Your model,Train heavy: none", last
