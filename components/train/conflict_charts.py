"""Plotly figures for where tasks pull apart: the cosine curves (all shared weights, and per
layer) and task affinity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.train.charts import TOTAL_COLOUR, chart_layout, labels
from models.analysis.palette import CONFLICT_SCALE, LINE_COLOURS, line_colour
from models.training import conflict_report as report
from models.training import history as losses

CONFLICT_FILL = "#D55E00"  # Okabe-Ito vermillion, faint: the conflict region on both themes
PAIR_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
PROJECTED_COLOUR = "#009E73"  # Okabe-Ito bluish green: the conflict left after PCGrad


def conflict_figure(
    history: pd.DataFrame, show_pairs: bool = False, names=(), projected: bool = False
) -> go.Figure:
    """Mean gradient cosine per epoch (and each task pair), with the negative region shaded;
    `projected`: also, dashed, the mean after PCGrad's projection (what a PCGrad step sums)."""
    fig = go.Figure()
    n_tasks = 1 + max((j for _, j in losses.pairs_in(history)), default=0)
    tasks = labels(names, n_tasks)
    fig.add_hrect(
        y0=-1,
        y1=0,
        fillcolor=CONFLICT_FILL,
        opacity=0.12,
        line_width=0,
        annotation_text="conflict",
        annotation_position="bottom left",
        annotation_font_color=CONFLICT_FILL,
    )
    fig.add_hline(y=0, line=dict(color=TOTAL_COLOUR, width=1, dash="dash"))
    epochs = history[losses.EPOCH]
    if show_pairs:
        for i, j in losses.pairs_in(history):
            fig.add_trace(
                go.Scatter(
                    x=epochs,
                    y=history[losses.pair(i, j)],
                    name=f"{tasks[i]} & {tasks[j]}" if names else f"tasks {i + 1} & {j + 1}",
                    connectgaps=True,  # measured on a schedule: the epochs between are NaN
                    # Task i's colour; the dash tells its partners apart.
                    line=dict(color=line_colour(i), width=1.5, dash=PAIR_DASHES[(j - i - 1) % 6]),
                )
            )
    means = [(losses.CONFLICT_MEAN, "mean", TOTAL_COLOUR, "solid")]
    if projected and losses.PROJECTED_MEAN in history.columns:
        means.append(
            (losses.PROJECTED_MEAN, "mean after PCGrad's projection", PROJECTED_COLOUR, "dash")
        )
    for column, name, colour, dash in means:
        line = dict(color=colour, width=3, dash=dash)
        fig.add_trace(
            go.Scatter(x=epochs, y=history[column], name=name, connectgaps=True, line=line)
        )
    fig.update_xaxes(title="epoch")
    fig.update_yaxes(title="gradient cosine", range=[-1.05, 1.05], zeroline=False)
    return chart_layout(fig, 320)


# The graph's diverging scale as a Plotly colour scale: the heatmap reads like the graph.
DIVERGING = [[i / (len(CONFLICT_SCALE) - 1), c] for i, c in enumerate(CONFLICT_SCALE)]


def layer_conflict_figure(history: pd.DataFrame, layers: list[str]) -> go.Figure:
    """Each task-shared layer's mean pair cosine over the measured epochs, 0 marked."""
    fig = go.Figure()
    fig.add_hrect(y0=-1, y1=0, fillcolor=CONFLICT_FILL, opacity=0.12, line_width=0)
    fig.add_hline(y=0, line=dict(color=TOTAL_COLOUR, width=1, dash="dash"))
    measured = report.measured(history)
    for name, (group, colour, dash) in line_styles(layers).items():
        fig.add_trace(
            go.Scatter(
                x=measured[losses.EPOCH],
                y=measured[losses.layer_cosine(name)],
                name=name,
                legendgroup=group,
                mode="lines+markers",
                marker=dict(size=4, color=colour),
                line=dict(color=colour, width=1.8, dash=dash),
            )
        )
    fig.update_xaxes(title="epoch")
    fig.update_yaxes(title="mean cosine between tasks", range=[-1.05, 1.05])
    return chart_layout(fig, 320)


def line_styles(layers: list[str]) -> dict[str, tuple[str, str, str]]:
    """Layer -> (group, colour, dash), every line told apart: copies of one layer per input
    (feature1_conv2, feature2_conv2, ...) share their group's colour and differ by dash; with
    more groups than colours, a group's dash tells it from the one with its colour."""
    suffixes = [name.split("_", 1)[-1] for name in layers]
    groups: dict[str, list[str]] = {}
    for name, suffix in zip(layers, suffixes, strict=True):
        copies = suffixes.count(suffix) > 1 and any(c.isalpha() for c in suffix)
        groups.setdefault(suffix if copies else name, []).append(name)
    styles = {}
    for g, (group, members) in enumerate(groups.items()):
        colour = line_colour(g)
        for m, name in enumerate(members):
            dash = PAIR_DASHES[(m if len(members) > 1 else g // len(LINE_COLOURS)) % 6]
            styles[name] = (group, colour, dash)
    return styles


def affinity_figure(matrix: np.ndarray, names=()) -> go.Figure:
    """Task i's lookahead affinity on task j; the diagonal (a task on itself) left blank."""
    n = len(matrix)
    shown = np.array(matrix, dtype=float)
    np.fill_diagonal(shown, np.nan)  # always large: it would wash out every other cell
    limit = float(np.nanmax(np.abs(shown))) if n > 1 else 1.0
    tasks = list(names)[:n] if names else [f"task {t + 1}" for t in range(n)]
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
