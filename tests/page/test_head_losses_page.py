"""The finished run's loss chart stacked by head: the bands add up to the training total."""

from __future__ import annotations

import numpy as np

from support.page import TINY, chart_traces, click, finish, plotly_values, train_tab


def _final_traces(at) -> list[dict]:
    return chart_traces(
        next(c for c in at.get("plotly_chart") if c.proto.id.endswith("final_loss"))
    )


def test_the_stacked_heads_add_up_to_the_total_and_name_their_share():
    at = train_tab({"variant": "towers", "k": "1", **TINY})
    click(at, "Train")
    finish(at)
    lines = _final_traces(at)
    assert not any("stackgroup" in trace for trace in lines)  # per-task lines by default
    at.toggle(key="stack_heads").set_value(True).run()
    assert not at.exception
    traces = _final_traces(at)
    bands = [t for t in traces if t.get("stackgroup") == "heads"]
    (total,) = [t for t in traces if t["name"] == "train total"]
    assert len(bands) == 4
    assert all("% at the end)" in band["name"] for band in bands)
    stacked = np.sum([plotly_values(band["y"]) for band in bands], axis=0)
    np.testing.assert_allclose(stacked, plotly_values(total["y"]), rtol=1e-5)
    shares = [float(band["name"].split("(")[1].split(" %")[0]) for band in bands]
    assert abs(sum(shares) - 100) <= 2  # rounded to whole percents
