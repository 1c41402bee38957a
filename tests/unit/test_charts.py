"""Charts that read on a projector: log axes at 1, 2, 5 per decade, no overlapping labels,
gate shares, distinct lines, names from the data."""

from __future__ import annotations

import numpy as np
import pandas as pd

from components.compare.charts import curves_figure, scatter_figure
from components.train.charts import gates_figure, loss_figure
from support.histories import history_of


def test_log_axes_are_labelled_at_one_two_and_five_times_each_decade():
    history = history_of([3.0, 1.0, 0.2])
    axis = loss_figure(history, 2, log_scale=True).layout.yaxis
    assert (axis.dtick, axis.tickformat) == ("D2", "~g")  # 1, 2, 5 per decade, written out
    assert loss_figure(history, 2, log_scale=False).layout.yaxis.type == "linear"
    curves = curves_figure([("a", "#000000", history)], 2, False, True)
    assert curves.layout.yaxis.type == "log" and curves.layout.yaxis.dtick == "D2"


def test_scatter_names_its_points_in_the_legend_not_on_the_plot():
    table = pd.DataFrame(
        {"Configuration": ["model 1", "model 2"], "Total parameters": [52_012, 52_100]}
        | {"Final val loss": [1.0, 1.01]}
    )
    fig = scatter_figure(table, ["#0072B2", "#E69F00"])
    assert all(trace.mode == "markers" for trace in fig.data)  # two close points cannot collide
    assert [trace.name for trace in fig.data] == ["model 1", "model 2"]
    assert fig.layout.showlegend is not False and fig.layout.xaxis.dtick == "D2"
    assert fig.layout.xaxis.tickformat == "~s"  # 50k, 100k, 200k: more than one tick


def test_gate_shares_are_a_heatmap_from_zero_to_one():
    (heatmap,) = gates_figure(np.array([[0.8, 0.2], [0.3, 0.7]])).data
    assert (heatmap.zmin, heatmap.zmax) == (0.0, 1.0)
    assert list(heatmap.x) == ["expert 1", "expert 2"] and list(heatmap.y) == ["task 1", "task 2"]


def test_every_per_layer_conflict_line_differs_and_copies_share_a_group():
    from components.train.conflict_charts import line_styles

    towers = ["conv1", *(f"feature{f}_conv{c}" for c in (2, 3) for f in range(1, 5))]
    styles = line_styles([*towers, "dense1", "dense2"])  # model 2's eleven lines
    assert len({(colour, dash) for _, colour, dash in styles.values()}) == 11
    assert {styles[f"feature{f}_conv2"][0] for f in range(1, 5)} == {"conv2"}
    assert len({colour for _, colour, _ in styles.values()}) == 5  # one colour per group
    many = line_styles([f"layer{i}" for i in range(11)])  # more groups than colours
    assert len({(colour, dash) for _, colour, dash in many.values()}) == 11


def test_charts_and_forecasts_speak_the_data_s_own_names_and_units():
    from components.train.charts import forecast_figure

    history = history_of([3.0, 1.0, 0.2])
    names = [t.name for t in loss_figure(history, 2, True, ("visitors", "sales")).data]
    assert "val visitors" in names and "train sales" in names
    x = np.zeros((4, 3))
    y, prediction = np.ones((2, 2)), np.full((2, 2), 2.0)
    fig = forecast_figure(
        x, y, prediction, ("visitors", "sales", "temperature"), [100, 50, 20], [10, 5, 2]
    )
    titles = [a.text for a in fig.layout.annotations]
    assert titles == ["visitors", "sales", "temperature (input only)"]
    by_name = {(t.name, t.xaxis): t for t in fig.data}
    assert list(by_name[("truth", "x")].y) == [110, 110]  # 1 standard deviation above 100
    assert list(by_name[("forecast", "x2")].y) == [60, 60]
    assert list(by_name[("input", "x3")].y) == [20] * 4
