"""Plotly figures for where tasks pull apart: per-layer cosine curves and task affinity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.train.charts import CONFLICT_FILL, TOTAL_COLOUR, chart_layout
from models.analysis.palette import CONFLICT_SCALE, line_colour
from models.training import conflict_report as report
from models.training import history as losses

# The graph's diverging scale as a Plotly colour scale: the heatmap reads like the graph.
DIVERGING = [[i / (len(CONFLICT_SCALE) - 1), c] for i, c in enumerate(CONFLICT_SCALE)]


def layer_conflict_figure(history: pd.DataFrame, layers: list[str]) -> go.Figure:
    """Each task-shared layer's mean pair cosine over the measured epochs, 0 marked."""
    fig = go.Figure()
    fig.add_hrect(y0=-1, y1=0, fillcolor=CONFLICT_FILL, opacity=0.12, line_width=0)
    fig.add_hline(y=0, line=dict(color=TOTAL_COLOUR, width=1, dash="dash"))
    measured = report.measured(history)
    for index, name in enumerate(layers):
        fig.add_trace(
            go.Scatter(
                x=measured[losses.EPOCH],
                y=measured[losses.layer_cosine(name)],
                name=name,
                mode="lines+markers",
                marker=dict(size=4),
                line=dict(color=line_colour(index), width=1.8),
            )
        )
    fig.update_xaxes(title="epoch")
    fig.update_yaxes(title="mean cosine between tasks", range=[-1.05, 1.05])
    return chart_layout(fig, 320)


def affinity_figure(matrix: np.ndarray) -> go.Figure:
    """Task i's lookahead affinity on task j; the diagonal (a task on itself) left blank."""
    n = len(matrix)
    shown = np.array(matrix, dtype=float)
    np.fill_diagonal(shown, np.nan)  # always large: it would wash out every other cell
    limit = float(np.nanmax(np.abs(shown))) if n > 1 else 1.0
    tasks = [f"task {t + 1}" for t in range(n)]
    fig = go.Figure(
        go.Heatmap(
            z=shown,
            x=tasks,
            y=tasks,
            zmin=-(limit or 1.0),
            zmax=limit or 1.0,
            colorscale=DIVERGING,
            colorbar=dict(title="Z"),
            texttemplate="%{z:.2g}",
            hovertemplate="a step on %{y}'s gradient<br>changes %{x}'s loss by "
            "%{z:.3g} (Z)<extra></extra>",
        )
    )
    fig.update_xaxes(title="task j (loss read)", side="bottom")
    fig.update_yaxes(title="task i (step taken)", autorange="reversed")
    return chart_layout(fig, 110 + 45 * n)
