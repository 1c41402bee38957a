"""Plotly figures for training: loss curves, forecasts and a peek at the data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from models.palette import colour

TOTAL_COLOUR = "#7F7F7F"  # mid grey reads on light and dark backgrounds


def _layout(fig: go.Figure, height: int) -> go.Figure:
    fig.update_layout(
        height=height,
        margin=dict(l=10, r=10, t=30, b=10),
        legend=dict(orientation="h", y=-0.15),
        uirevision="keep",
    )
    return fig


def loss_figure(
    history: pd.DataFrame, n_tasks: int, log_scale: bool, per_task: bool = True
) -> go.Figure:
    """Train (dotted) and validation (solid) loss per task, plus the totals."""
    fig = go.Figure()
    epochs = history["epoch"]
    for split, dash in (("val", "solid"), ("train", "dot")):
        fig.add_trace(
            go.Scatter(
                x=epochs,
                y=history[f"{split}_total"],
                name=f"{split} total",
                line=dict(color=TOTAL_COLOUR, width=3, dash=dash),
            )
        )
        if per_task:
            for t in range(n_tasks):
                fig.add_trace(
                    go.Scatter(
                        x=epochs,
                        y=history[f"{split}_task{t + 1}"],
                        name=f"{split} task {t + 1}",
                        line=dict(color=colour(t), width=1.8, dash=dash),
                    )
                )
    fig.update_xaxes(title="epoch")
    fig.update_yaxes(title="MSE (standardised)", type="log" if log_scale else "linear")
    return _layout(fig, 380)


def _line(x, y, name: str, group: str, show: bool, color: str, **line) -> go.Scatter:
    """One legend-grouped line; only the first of a group shows in the legend."""
    return go.Scatter(
        x=x, y=y, name=name, legendgroup=group, showlegend=show, line=dict(color=color, **line)
    )


def _steps(timesteps: int, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """x positions: input steps end at 0, forecast steps run 1..horizon."""
    return np.arange(-timesteps + 1, 1), np.arange(1, horizon + 1)


def forecast_figure(x: np.ndarray, y: np.ndarray, prediction: np.ndarray) -> go.Figure:
    """One panel per feature: input steps, true next steps and the forecast, for one window."""
    timesteps, n = x.shape
    cols = min(n, 4)
    rows = -(-n // cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[f"feature {f + 1}" for f in range(n)])
    past, future = _steps(timesteps, y.shape[1])
    for f in range(n):
        cell, first = (f // cols + 1, f % cols + 1), f == 0
        fig.add_trace(_line(past, x[:, f], "input", "input", first, TOTAL_COLOUR), *cell)
        fig.add_trace(_line(future, y[f], "truth", "truth", first, colour(f), width=2.5), *cell)
        fig.add_trace(
            _line(
                future,
                prediction[f],
                "forecast",
                "forecast",
                first,
                colour(f),
                width=2.5,
                dash="dash",
            ),
            *cell,
        )
    return _layout(fig, 260 * rows)


def data_figure(x: np.ndarray, y: np.ndarray, windows: int = 3) -> go.Figure:
    """A few training windows: every feature's input (solid) and its target (dashed)."""
    windows = min(windows, len(x))
    fig = make_subplots(
        rows=1, cols=windows, subplot_titles=[f"window {w + 1}" for w in range(windows)]
    )
    past, future = _steps(x.shape[1], y.shape[2])
    for w in range(windows):
        for f in range(x.shape[2]):
            name, group = f"feature {f + 1}", str(f)
            fig.add_trace(_line(past, x[w, :, f], name, group, w == 0, colour(f)), 1, w + 1)
            fig.add_trace(
                _line(future, y[w, f], name, group, False, colour(f), dash="dash"), 1, w + 1
            )
    return _layout(fig, 240)
