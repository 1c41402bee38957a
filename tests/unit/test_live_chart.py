"""What a growing chart shows (`components.live.chart`), read off the finished charts' figures.

The browser draws from these descriptions (`components/live/chart.js`, tested in
`test_browser_live_chart.py`); here: every line bound to the right run and column, with the
finished chart's colours, dashes, legend, panels, axes, bands and notes.
"""

from __future__ import annotations

import plotly.graph_objects as go

from components.compare.charts import curves_figure
from components.live.chart import probe, template
from components.train.charts import loss_figure
from components.train.conflict_charts import conflict_figure
from models.training import history as losses

N_TASKS = 4
COLUMNS = losses.drawn_live(N_TASKS)


def _chart(fig: go.Figure, feeds: int = 1) -> dict:
    return template(fig, [COLUMNS] * feeds)


def test_a_probe_names_every_column_of_every_run():
    for feed in (0, 3):
        row = probe(COLUMNS, feed).iloc[0]
        (chart,) = _chart(go.Figure(go.Scatter(x=row, y=row)), 4)["panels"]
        (trace,) = chart["traces"]
        assert (trace["feed"], trace["x"], trace["y"]) == (feed, COLUMNS[0], COLUMNS[0])
    assert (probe(COLUMNS, 2) > 0).all(axis=None)  # positive: kept on a log axis


def test_loss_chart_binds_each_line_to_its_column_with_its_style():
    chart = _chart(loss_figure(probe(COLUMNS), N_TASKS, log_scale=True))
    (panel,) = chart["panels"]
    assert panel["log"] and panel["yrange"] is None
    assert (panel["xtitle"], panel["ytitle"]) == ("epoch", "MSE (standardised)")
    ys = [t["y"] for t in panel["traces"]]
    expected = [losses.total("val"), *(losses.task("val", t) for t in range(N_TASKS))]
    expected += [losses.total("train"), *(losses.task("train", t) for t in range(N_TASKS))]
    assert ys == expected
    assert {t["x"] for t in panel["traces"]} == {losses.EPOCH}
    dashes = [t["dash"] for t in panel["traces"]]
    assert dashes == [""] * (N_TASKS + 1) + ["2 3"] * (N_TASKS + 1)  # train: dotted
    assert panel["traces"][0]["width"] == 3 and panel["traces"][1]["width"] == 1.8
    names = [entry["name"] for entry in chart["legend"]]
    assert names[:2] == ["val total", "val task 1"] and len(names) == 2 * (N_TASKS + 1)


def test_conflict_chart_keeps_its_band_line_note_and_fixed_range():
    (panel,) = _chart(conflict_figure(probe(COLUMNS), show_pairs=True))["panels"]
    assert panel["yrange"] == [-1.05, 1.05] and not panel["log"]
    rect, line = panel["shapes"]
    assert (rect["type"], rect["y0"], rect["y1"], rect["opacity"]) == ("rect", -1, 0, 0.12)
    assert (line["type"], line["y0"], line["dash"]) == ("line", 0, "6 4")
    (note,) = panel["notes"]
    assert note["text"] == "conflict" and note["above"] and note["colour"]
    columns = [t["y"] for t in panel["traces"]]
    pairs = [losses.pair(i, j) for i, j in losses.task_pairs(N_TASKS)]
    assert columns == [*pairs, losses.CONFLICT_MEAN]
    assert all(t["gaps"] for t in panel["traces"])  # measured on a schedule: joined


def test_compare_per_task_has_a_titled_panel_each_in_reading_order():
    lines = [("Model 1", "#0072B2", probe(COLUMNS, 0)), ("Nothing", "#D55E00", probe(COLUMNS, 1))]
    chart = _chart(curves_figure(lines, N_TASKS, per_task=True, log_scale=False), 2)
    titles = [p["title"] for p in chart["panels"]]
    assert titles == ["total (sum of tasks)", *(f"task {t + 1}" for t in range(N_TASKS))]
    assert chart["columns"] == 3  # three panels a row, as the finished chart
    first = chart["panels"][0]
    assert [(t["feed"], t["y"], t["colour"]) for t in first["traces"]] == [
        (0, losses.total("val"), "#0072B2"),
        (1, losses.total("val"), "#D55E00"),
    ]
    assert [t["y"] for t in chart["panels"][2]["traces"]] == [losses.task("val", 1)] * 2
    assert [e["name"] for e in chart["legend"]] == ["Model 1", "Nothing"]  # one per run
    assert first["ytitle"] == "validation MSE (standardised)" and not chart["panels"][1]["ytitle"]


def test_one_line_needs_no_legend_and_a_panel_without_lines_is_kept():
    (panel,) = _chart(go.Figure())["panels"]
    assert panel["traces"] == []
    row = probe(COLUMNS).iloc[0]
    assert _chart(go.Figure(go.Scatter(x=row, y=row, name="only")))["legend"] == []
