"""The live charts' light drawing (`components.live_chart`): what a growing run shows."""

from __future__ import annotations

import base64
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from components.charts import conflict_figure, loss_figure
from components.compare_charts import curves_figure
from components.live_chart import figure_html
from components.live_scale import VIEW, at, label, span, ticks
from models.training import history as losses

N_TASKS = 4


def _history(epochs: int = 60) -> pd.DataFrame:
    epoch = np.arange(1, epochs + 1)
    columns = {losses.EPOCH: epoch}
    for split, scale in (("train", 20), ("val", 30)):
        columns[losses.total(split)] = np.exp(-epoch / scale) + 0.3
        for t in range(N_TASKS):
            columns[losses.task(split, t)] = np.exp(-epoch / scale) / 4 + 0.05 * (t + 1)
    columns[losses.CONFLICT_MEAN] = np.where(epoch % 2 == 0, np.sin(epoch / 10) * 0.3, np.nan)
    return pd.DataFrame(columns)


def _pictures(html: str) -> str:
    """The SVG of every plot area (drawn as data-URI images), one after another."""
    sources = re.findall(r'src="data:image/svg\+xml;base64,([^"]*)"', html)
    return "".join(base64.b64decode(source).decode() for source in sources)


def _polylines(html: str) -> list[list[tuple[float, float]]]:
    return [
        [tuple(map(float, p.split(","))) for p in points.split()]
        for points in re.findall(r'<polyline points="([^"]*)"', _pictures(html))
    ]


def test_loss_chart_draws_every_line_with_its_legend():
    html = figure_html(loss_figure(_history(), N_TASKS, log_scale=True))
    assert len(_polylines(html)) == 2 * (N_TASKS + 1)  # train and val: total and every task
    for name in ["val total", "train total", *(f"val task {t + 1}" for t in range(N_TASKS))]:
        assert f"{name}</span>" in html
    assert _pictures(html).count('stroke-dasharray="2 3"') == N_TASKS + 1  # train: dotted
    swatches = re.findall(r"border-top:[\d.]+px (\w+)", html)
    assert swatches == ["solid"] * (N_TASKS + 1) + ["dotted"] * (N_TASKS + 1)  # legend: val, train
    assert "MSE (standardised)" in html and "epoch" in html


def test_points_land_where_their_values_are():
    fig = go.Figure(go.Scatter(x=[0, 10], y=[1.0, 100.0], name="a"))
    fig.update_yaxes(type="log")
    ((first, last),) = _polylines(figure_html(fig))
    assert first[0] == 0 and last[0] == VIEW  # x spans the data exactly
    lo, hi = span(fig.data, "y", None, log=True)
    assert lo < 0 < 2 < hi  # log10 of 1 and 100, padded by 5 %
    assert first[1] == pytest.approx(VIEW - at(1.0, (lo, hi), log=True), abs=0.5)
    assert last[1] == pytest.approx(VIEW - at(100.0, (lo, hi), log=True), abs=0.5)
    assert last[1] < first[1]  # larger values higher up


def test_conflict_chart_joins_its_scheduled_points_and_shades_conflict():
    html = figure_html(conflict_figure(_history()))
    (line,) = _polylines(html)
    assert len(line) == 30  # every measured (even) epoch, joined across the NaN epochs between
    assert "<rect" in _pictures(html) and 'fill-opacity="0.12"' in _pictures(html)  # below 0
    assert "conflict</span>" in html
    assert ">−1<" in html and ">1<" in html  # the fixed range's ends, with a true minus sign


def test_a_gap_breaks_a_line_unless_it_is_joined():
    y = [1.0, 2.0, np.nan, 3.0, 4.0]
    broken = go.Figure(go.Scatter(x=list(range(5)), y=y))
    joined = go.Figure(go.Scatter(x=list(range(5)), y=y, connectgaps=True))
    assert [len(p) for p in _polylines(figure_html(broken))] == [2, 2]
    assert [len(p) for p in _polylines(figure_html(joined))] == [4]


def test_compare_per_task_draws_a_titled_panel_each():
    lines = [("Model 1", "#0072B2", _history()), ("Nothing shared", "#D55E00", _history())]
    html = figure_html(curves_figure(lines, N_TASKS, per_task=True, log_scale=False))
    assert len(_polylines(html)) == 2 * (N_TASKS + 1)
    for title in ["total (sum of tasks)", *(f"task {t + 1}" for t in range(N_TASKS))]:
        assert f">{title}</div>" in html
    assert html.count("Model 1</span>") == 1  # one legend entry per configuration
    assert "repeat(3," in html  # three panels a row, as the finished chart


def test_text_is_escaped():
    fig = go.Figure([go.Scatter(x=[0, 1], y=[0, 1], name=f"<b>run {i}</b>") for i in (1, 2)])
    html = figure_html(fig)
    assert "&lt;b&gt;run 1&lt;/b&gt;" in html and "<b>" not in html
    assert "<svg" not in html  # st.html's sanitiser would strip it: pictures are images


def test_an_empty_or_flat_chart_still_draws():
    assert "lse-live" in figure_html(go.Figure())
    flat = figure_html(go.Figure(go.Scatter(x=[1, 2, 3], y=[0.5, 0.5, 0.5])))
    assert len(_polylines(flat)) == 1


@pytest.mark.parametrize(
    ("lo", "hi", "log", "expected"),
    [
        (0, 60, False, [0, 20, 40, 60]),
        (-1.05, 1.05, False, [-1, -0.5, 0, 0.5, 1]),
        (np.log10(0.05), np.log10(3), True, [0.1, 1]),
        (np.log10(0.15), np.log10(0.9), True, [0.2, 0.5]),  # inside one decade: 2s and 5s
        (np.log10(1.1), np.log10(1.9), True, [1.2, 1.4, 1.6, 1.8]),  # not even those
    ],
)
def test_ticks_are_round_and_inside_the_axis(lo, hi, log, expected):
    assert ticks((lo, hi), log) == pytest.approx(expected)


def test_labels_read_like_plotlys():
    values = (0, 0.1, 1, 20, -0.5, 0.0001, 2000)
    assert [label(v) for v in values] == ["0", "0.1", "1", "20", "−0.5", "0.0001", "2,000"]


def test_every_panel_is_drawn_before_its_lines_arrive():
    lines = [("Model 1", "#0072B2", _history().iloc[:0])]  # no epoch yet
    html = figure_html(curves_figure(lines, N_TASKS, per_task=True, log_scale=True))
    assert html.count("<img") == N_TASKS + 1 and not _polylines(html)
