"""Charts that read on a projector: log axes at decades, no overlapping labels, gate shares."""

from __future__ import annotations

import numpy as np
import pandas as pd

from components.compare.charts import curves_figure, scatter_figure
from components.train.charts import gates_figure, loss_figure
from support.histories import history_of


def test_log_axes_are_labelled_at_decades_only():
    history = history_of([3.0, 1.0, 0.2])
    assert loss_figure(history, 2, log_scale=True).layout.yaxis.dtick == 1
    assert loss_figure(history, 2, log_scale=False).layout.yaxis.type == "linear"
    curves = curves_figure([("a", "#000000", history)], 2, False, True)
    assert curves.layout.yaxis.type == "log" and curves.layout.yaxis.dtick == 1


def test_scatter_names_its_points_in_the_legend_not_on_the_plot():
    table = pd.DataFrame(
        {"Configuration": ["model 1", "model 2"], "Total parameters": [52_012, 52_100]}
        | {"Final val loss": [1.0, 1.01]}
    )
    fig = scatter_figure(table, ["#0072B2", "#E69F00"])
    assert all(trace.mode == "markers" for trace in fig.data)  # two close points cannot collide
    assert [trace.name for trace in fig.data] == ["model 1", "model 2"]
    assert fig.layout.showlegend is not False and fig.layout.xaxis.dtick == 1


def test_gate_shares_are_a_heatmap_from_zero_to_one():
    (heatmap,) = gates_figure(np.array([[0.8, 0.2], [0.3, 0.7]])).data
    assert (heatmap.zmin, heatmap.zmax) == (0.0, 1.0)
    assert list(heatmap.x) == ["expert 1", "expert 2"] and list(heatmap.y) == ["task 1", "task 2"]
