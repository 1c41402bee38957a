"""Plotly figures for training: loss curves, forecasts and a peek at the data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from models.analysis.palette import line_colour
from models.training import history as losses

TOTAL_COLOUR = "#7F7F7F"  # mid grey reads on light and dark backgrounds
# A log axis labelled at 1, 2 and 5 times each power of ten, every label written out (0.2,
# 0.5, 1, 2): decades alone left one tick on a short range (the Compare scatter's "100k"), and
# plotly's default minor labels ("5 2 1 5 2") no one reads on a projector.
LOG_AXIS = dict(type="log", dtick="D2", tickformat="~g")
LINEAR_AXIS = dict(type="linear")
CHART = {"displayModeBar": False}  # every chart's Plotly config: no tool bar over the lines


def chart_layout(fig: go.Figure, height: int, titled: bool = False) -> go.Figure:
    """The app's chart layout: legend above the plot (clear of the x-axis title), kept zoom.

    `titled`: subplots with titles; the legend then sits above the titles, not on them.
    """
    top = 40 + 28 * titled
    fig.update_layout(
        height=height,
        margin=dict(l=10, r=10, t=top, b=10),
        legend=dict(orientation="h", x=0, y=1, yref="container", yanchor="top"),
        uirevision="keep",
    )
    return fig


def labels(names, n: int, noun: str = "task") -> list[str]:
    """What a chart calls each task (or series): the data's own names, else "task 1", ..."""
    return list(names)[:n] if names else [f"{noun} {i + 1}" for i in range(n)]


def loss_figure(history: pd.DataFrame, n_tasks: int, log_scale: bool, names=()) -> go.Figure:
    """Train (dotted) and validation (solid) loss per task, plus the totals; `names`: the
    tasks' names (a CSV's columns), else "task 1", ..."""
    fig, tasks = go.Figure(), labels(names, n_tasks)
    epochs = history[losses.EPOCH]
    for split, dash in (("val", "solid"), ("train", "dot")):
        fig.add_trace(
            go.Scatter(
                x=epochs,
                y=history[losses.total(split)],
                name=f"{split} total",
                line=dict(color=TOTAL_COLOUR, width=3, dash=dash),
            )
        )
        for t in range(n_tasks):
            fig.add_trace(
                go.Scatter(
                    x=epochs,
                    y=history[losses.task(split, t)],
                    name=f"{split} {tasks[t]}",
                    line=dict(color=line_colour(t), width=1.8, dash=dash),
                )
            )
    fig.update_xaxes(title="epoch")
    fig.update_yaxes(title="MSE (standardised)", **(LOG_AXIS if log_scale else LINEAR_AXIS))
    return chart_layout(fig, 380)


def _line(x, y, name: str, group: str, show: bool, color: str, **line) -> go.Scatter:
    """One legend-grouped line; only the first of a group shows in the legend."""
    return go.Scatter(
        x=x, y=y, name=name, legendgroup=group, showlegend=show, line=dict(color=color, **line)
    )


def _steps(timesteps: int, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """x positions: input steps end at 0, forecast steps run 1..horizon."""
    return np.arange(-timesteps + 1, 1), np.arange(1, horizon + 1)


def forecast_figure(
    x: np.ndarray, y: np.ndarray, prediction: np.ndarray, names=(), mean=None, std=None
) -> go.Figure:
    """One panel per feature: input steps, true next steps and the forecast, for one window,
    in the series' own units when `mean` and `std` (the windows' statistics) are given.

    The first len(y) features are forecast; any further ones are inputs only (no future drawn).
    """
    timesteps, n = x.shape
    tasks = len(y)
    if mean is not None and std is not None:  # back to the data's own units
        mean, std = np.asarray(mean, float), np.asarray(std, float)
        x = x * std + mean
        y = y * std[:tasks, None] + mean[:tasks, None]
        prediction = prediction * std[:tasks, None] + mean[:tasks, None]
    cols = min(n, 4)
    rows = -(-n // cols)
    titles = [_feature_title(f, tasks, names) for f in range(n)]
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles)
    past, future = _steps(timesteps, y.shape[1])
    for f in range(n):
        cell, first = (f // cols + 1, f % cols + 1), f == 0
        fig.add_trace(_line(past, x[:, f], "input", "input", first, TOTAL_COLOUR), *cell)
        if f >= tasks:
            continue
        fig.add_trace(
            _line(future, y[f], "truth", "truth", first, line_colour(f), width=2.5), *cell
        )
        fig.add_trace(
            _line(
                future,
                prediction[f],
                "forecast",
                "forecast",
                first,
                line_colour(f),
                width=2.5,
                dash="dash",
            ),
            *cell,
        )
    return chart_layout(fig, 260 * rows, titled=True)


def _feature_title(f: int, tasks: int, names=()) -> str:
    name = labels(names, f + 1, "feature")[f]
    return name if f < tasks else f"{name} (input only)"


def data_figure(x: np.ndarray, y: np.ndarray, windows: int = 3, names=()) -> go.Figure:
    """A few training windows: every feature's input (solid) and, for a forecast feature, its
    target (dashed)."""
    windows = min(windows, len(x))
    fig = make_subplots(
        rows=1, cols=windows, subplot_titles=[f"window {w + 1}" for w in range(windows)]
    )
    past, future = _steps(x.shape[1], y.shape[2])
    for w in range(windows):
        for f in range(x.shape[2]):
            name, group = _feature_title(f, y.shape[1], names), str(f)
            fig.add_trace(_line(past, x[w, :, f], name, group, w == 0, line_colour(f)), 1, w + 1)
            if f >= y.shape[1]:
                continue
            fig.add_trace(
                _line(future, y[w, f], name, group, False, line_colour(f), dash="dash"), 1, w + 1
            )
    return chart_layout(fig, 240, titled=True)


def mixing_figure(matrices: dict[str, np.ndarray], names=()) -> go.Figure:
    """One annotated heatmap per cross-stitch unit: row i = to task i, column j = from task j."""
    names = list(matrices)
    fig = make_subplots(
        rows=1, cols=len(names), subplot_titles=names, shared_yaxes=True, horizontal_spacing=0.04
    )
    # Diverging around 0 (blue-red is colour-blind safe): a negative weight stands out.
    limit = max(float(np.abs(m).max()) for m in matrices.values()) or 1.0
    for col, name in enumerate(names, start=1):
        matrix = np.asarray(matrices[name], dtype=float)
        tasks = labels(names, matrix.shape[0])
        fig.add_trace(
            go.Heatmap(
                z=matrix,
                x=tasks,
                y=tasks,
                zmin=-limit,
                zmax=limit,
                colorscale="RdBu",
                reversescale=True,
                showscale=col == len(names),
                colorbar=dict(title="weight"),
                texttemplate="%{z:.2f}",
                hovertemplate="to %{y}<br>from %{x}<br>weight %{z:.3f}<extra>" + name + "</extra>",
            ),
            1,
            col,
        )
        fig.update_xaxes(title="from task j", side="bottom", row=1, col=col)
        fig.update_yaxes(autorange="reversed", row=1, col=col)
    fig.update_yaxes(title="to task i", row=1, col=1)
    return chart_layout(fig, 300, titled=True)


def gates_figure(weights: np.ndarray, names=()) -> go.Figure:
    """An annotated heatmap of each task's (row) mean gate weight on each expert (column)."""
    weights = np.asarray(weights, dtype=float)
    fig = go.Figure(
        go.Heatmap(
            z=weights,
            x=[f"expert {e + 1}" for e in range(weights.shape[1])],
            y=labels(names, weights.shape[0]),
            zmin=0.0,
            zmax=1.0,
            colorscale="Blues",
            colorbar=dict(title="share"),
            texttemplate="%{z:.0%}",
            hovertemplate="%{y} uses %{x} for %{z:.1%} of its input<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    return chart_layout(fig, 80 + 40 * weights.shape[0])
