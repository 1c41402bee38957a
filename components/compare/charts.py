"""Plotly figures for the Compare tab: overlaid losses, parameters vs loss, the sweep, the
groupings ranked."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.train.charts import LINEAR_AXIS, LOG_AXIS, chart_layout
from models.analysis.palette import LINE_COLOURS
from models.experiments.sweep import GAP
from models.training import history as losses

LOSS_AXIS = "validation MSE (standardised)"
GAP_COLOUR = "#7F7F7F"
PREDICTED = LINE_COLOURS[0]  # orange: the grouping the affinity predicted, among grey ones


def curves_figure(
    lines: Sequence[tuple[str, str, pd.DataFrame]], n_tasks: int, per_task: bool, log_scale: bool
) -> go.Figure:
    """Validation loss per (label, colour, history): the total, or one panel per task as well."""
    panels = [(losses.total("val"), "total (sum of tasks)")]
    if per_task:
        panels += [(losses.task("val", t), f"task {t + 1}") for t in range(n_tasks)]
    cols = min(len(panels), 3)
    rows = -(-len(panels) // cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[title for _, title in panels])
    for p, (column, _) in enumerate(panels):
        cell = (p // cols + 1, p % cols + 1)
        for label, colour, history in lines:
            if not len(history):
                continue
            fig.add_trace(
                go.Scatter(
                    x=history[losses.EPOCH],
                    y=history[column],
                    name=label,
                    legendgroup=label,
                    showlegend=p == 0,
                    line=dict(color=colour, width=2.2 if p == 0 else 1.6),
                ),
                *cell,
            )
    fig.update_xaxes(title="epoch")
    fig.update_yaxes(**(LOG_AXIS if log_scale else LINEAR_AXIS))
    fig.update_yaxes(title=LOSS_AXIS, row=1, col=1)
    return chart_layout(fig, 380 if rows == 1 else 300 * rows, titled=True)


def scatter_figure(table: pd.DataFrame, colours: Sequence[str]) -> go.Figure:
    """Total parameters (log x) vs final validation loss: one point per configuration, named
    in the legend and on hover (labels on the plot overlapped when two points were close)."""
    fig = go.Figure()
    for (_, row), colour in zip(table.iterrows(), colours, strict=True):
        fig.add_trace(
            go.Scatter(
                x=[row["Total parameters"]],
                y=[row["Final val loss"]],
                mode="markers",
                name=row["Configuration"],
                text=[row["Configuration"]],
                marker=dict(color=colour, size=14, line=dict(color="#7F7F7F", width=1)),
                hovertemplate="%{text}<br>%{x:,} parameters<br>final val loss %{y:.4f}"
                "<extra></extra>",
            )
        )
    fig.update_xaxes(title="total parameters (log scale)", **{**LOG_AXIS, "tickformat": "~s"})
    fig.update_yaxes(title=f"final {LOSS_AXIS}")
    return chart_layout(fig, 380)


def sweep_figure(summary: pd.DataFrame, labels: Sequence[str], colours: Sequence[str]):
    """Above: each configuration's mean best validation loss vs relatedness, its bars the
    min–max over seeds. Below: the gap shared − none (mean, bars min–max of the per-seed
    gaps) against zero, the line the sweep's reading measures claims by."""
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        row_heights=[0.6, 0.4],
        vertical_spacing=0.12,
        subplot_titles=[
            "best validation loss: mean over seeds, bars min–max",
            "gap shared − none per seed: below 0 sharing helped",
        ],
    )
    for label, colour in zip(labels, colours, strict=True):
        fig.add_trace(_with_range(summary, label, label, colour), 1, 1)
    fig.add_trace(_with_range(summary, GAP, "gap: shared − none", GAP_COLOUR), 2, 1)
    fig.add_hline(y=0, line=dict(color=GAP_COLOUR, width=1, dash="dash"), row=2, col=1)
    fig.update_xaxes(title="task relatedness (0: unrelated series, 1: one common signal)", row=2)
    fig.update_yaxes(title=f"best {LOSS_AXIS}", row=1, col=1)
    fig.update_yaxes(title="shared − none", zeroline=True, row=2, col=1)
    return chart_layout(fig, 520, titled=True)


def _with_range(summary: pd.DataFrame, column: str, name: str, colour: str) -> go.Scatter:
    """Mean line with min–max error bars from the summary's `column`, `column min/max`."""
    mean = summary[column] if column in summary else pd.Series(dtype=float)
    return go.Scatter(
        x=summary["Relatedness"] if "Relatedness" in summary else [],
        y=mean,
        name=name,
        mode="lines+markers",
        line=dict(color=colour, width=2.5),
        marker=dict(size=9),
        error_y=dict(
            type="data",
            array=summary.get(f"{column} max", mean) - mean,
            arrayminus=mean - summary.get(f"{column} min", mean),
            color=colour,
            thickness=1.5,
            width=6,
        ),
    )


def ranking_figure(table: pd.DataFrame, marked: str | None = None) -> go.Figure:
    """Each configuration's mean best validation loss over seeds (bars: min–max), best at the
    top; `marked` (the affinity's prediction) drawn in orange, the rest in grey."""
    rows = table.iloc[::-1]  # Plotly draws the first category at the bottom
    colours = [PREDICTED if name == marked else GAP_COLOUR for name in rows["Configuration"]]
    fig = go.Figure(
        go.Scatter(
            x=rows["Mean"],
            y=rows["Configuration"],
            mode="markers",
            marker=dict(color=colours, size=11),
            error_x=dict(
                type="data",
                array=rows["Max"] - rows["Mean"],
                arrayminus=rows["Mean"] - rows["Min"],
                color=GAP_COLOUR,
                thickness=1.5,
                width=5,
            ),
            hovertemplate="%{y}<br>mean best val loss %{x:.4f}<extra></extra>",
            showlegend=False,
        )
    )
    fig.update_xaxes(title=f"best {LOSS_AXIS}: mean over seeds, bars min–max")
    fig.update_yaxes(type="category", automargin=True)
    return chart_layout(fig, 120 + 26 * len(rows))
