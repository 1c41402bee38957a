"""The run's loss chart, as lines per task or stacked by head: the total a run minimises is the
sum of its heads' losses (each weighted 1), and the stack shows what it is made of."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.train.charts import (
    CHART,
    LINEAR_AXIS,
    TOTAL_COLOUR,
    chart_layout,
    labels,
    loss_figure,
)
from models.analysis.palette import line_colour
from models.training import history as losses

STACK = "stack_heads"  # session key of the toggle


def stacked_figure(history: pd.DataFrame, n_tasks: int, split: str, names=()) -> go.Figure:
    """Each head's `split` loss stacked, bottom up in task order, under the total's line; the
    legend gives each head's share of the total at the last epoch."""
    fig, tasks = go.Figure(), labels(names, n_tasks)
    epochs, last = history[losses.EPOCH], history.iloc[-1]
    whole = float(last[losses.total(split)]) or 1.0
    for t in range(n_tasks):
        share = 100 * float(last[losses.task(split, t)]) / whole
        fig.add_trace(
            go.Scatter(
                x=epochs,
                y=history[losses.task(split, t)],
                name=f"{tasks[t]} ({share:.0f} % at the end)",
                stackgroup="heads",
                line=dict(color=line_colour(t), width=0.8),
            )
        )
    fig.add_trace(
        go.Scatter(
            x=epochs,
            y=history[losses.total(split)],
            name=f"{split} total",
            line=dict(color=TOTAL_COLOUR, width=2, dash="dash"),
        )
    )
    fig.update_xaxes(title="epoch")
    fig.update_yaxes(title=f"{split} MSE, summed over heads", rangemode="tozero", **LINEAR_AXIS)
    chart_layout(fig, 380)
    fig.update_layout(legend_traceorder="normal")  # task 1 first, as on every other chart
    return fig


def render_loss_chart(history: pd.DataFrame, n_tasks: int, log_scale: bool, names=()) -> None:
    """The finished run's loss chart, with the switch to the stacked view beside it."""
    stacked = n_tasks > 1 and st.toggle(
        "Stack the heads' losses",
        key=STACK,
        help="The training loss is the sum of the heads' losses: stacked, each band is one "
        "head's part of the total (on a linear axis; a log axis cannot stack).",
    )
    if stacked:
        figure = stacked_figure(history, n_tasks, "train", names)
    else:
        figure = loss_figure(history, n_tasks, log_scale, names)
    st.plotly_chart(figure, key="final_loss", config=CHART)
