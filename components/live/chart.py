"""What a growing chart shows, as plain data the browser draws from while a run trains.

The live charts used to be redrawn by the server several times a second, and every redraw
was a Streamlit rerun that cost the browser ~100 ms of work on this page: on a 2-core machine
that time came out of training, which ran at half speed. Now the browser fetches the run's
progress file itself and draws the lines (`components/live/chart.js`, mounted by
`components.live.view`); the page reruns only when the run ends.

The chart is still described by the same function as the finished, interactive Plotly chart
(one fact in one place): it is built from `probe` histories, one row whose every value names
its own column, so each trace's x and y say which column of which run it plots. This module
reads off what a live chart shows: panels in reading order, their axes, titles, shaded bands,
reference lines and notes, the legend, and each line's column, colour, width and dash.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

DASHES = {  # Plotly's dash names as SVG dash arrays
    "dot": "2 3",
    "dash": "6 4",
    "longdash": "10 4",
    "dashdot": "6 3 2 3",
    "longdashdot": "10 3 2 3",
}
_CODE = 1000  # probe value = feed * _CODE + column index + 1: positive, so log axes keep it
DEFAULT_COLOUR = "#7F7F7F"


def probe(columns: Sequence[str], feed: int = 0) -> pd.DataFrame:
    """One row whose value in each column names (`feed`, that column)."""
    return pd.DataFrame([[feed * _CODE + i + 1 for i in range(len(columns))]], columns=columns)


def template(fig: go.Figure, columns: Sequence[Sequence[str]]) -> dict:
    """The live drawing of `fig`, a figure built from `probe(columns[k], k)` for each feed k."""
    layout = fig.layout
    panels = _panels(fig)
    grid_columns = len({_domain(layout, x, "x") for x, _ in panels})
    rows = max(1, -(-len(panels) // grid_columns))
    return {
        "columns": grid_columns,
        "height": max(120, ((layout.height or 380) - 60) // rows - 40),
        "legend": _legend(fig),
        "panels": [_panel(layout, axes, traces, columns) for axes, traces in panels.items()],
    }


def _panels(fig: go.Figure) -> dict[tuple[str, str], list]:
    """Traces by their (x axis, y axis), panels in reading order (top row first)."""
    layout, panels = fig.layout, {}
    for name in layout.to_plotly_json():  # make_subplots' titled panels, before their lines
        axes = ("x" + name[5:], "y" + name[5:])
        if re.fullmatch(r"xaxis\d*", name) and _subplot_title(layout, axes):
            panels[axes] = []
    for trace in fig.data:
        panels.setdefault((trace.xaxis or "x", trace.yaxis or "y"), []).append(trace)
    if not panels:
        panels[("x", "y")] = []

    def reading_order(axes):
        return (-_domain(layout, axes[1], "y"), _domain(layout, axes[0], "x"))

    return dict(sorted(panels.items(), key=lambda item: reading_order(item[0])))


def _axis(layout, ref: str, letter: str):
    """The layout axis object of a trace's axis reference ("x", "x2", "y3" ...)."""
    return layout[f"{letter}axis{ref[1:]}"]


def _domain(layout, ref: str, letter: str) -> float:
    domain = _axis(layout, ref, letter).domain
    return round(float(domain[0]) if domain else 0.0, 3)


def _panel(layout, axes: tuple[str, str], traces: list, columns) -> dict:
    x_axis, y_axis = _axis(layout, axes[0], "x"), _axis(layout, axes[1], "y")
    return {
        "title": _subplot_title(layout, axes),
        "xtitle": x_axis.title.text or "",
        "ytitle": y_axis.title.text or "",
        "log": y_axis.type == "log",
        "yrange": list(y_axis.range) if y_axis.range is not None else None,
        "shapes": _shapes(layout, axes),
        "notes": _notes(layout, axes),
        "traces": [_trace(trace, columns) for trace in traces],
    }


def _column(code: float, columns) -> tuple[int, str]:
    """(feed, column name) a probe value names."""
    feed, index = divmod(int(code) - 1, _CODE)
    return feed, columns[feed][index]


def _trace(trace, columns) -> dict:
    feed, x = _column(trace.x[0], columns)
    _, y = _column(trace.y[0], columns)
    line = trace.line
    return {
        "feed": feed,
        "x": x,
        "y": y,
        "colour": line.color or DEFAULT_COLOUR,
        "width": line.width or 2,
        "dash": DASHES.get(line.dash or "solid", ""),
        "gaps": bool(trace.connectgaps),  # join across epochs it was not measured on
    }


def _in_panel(item, axes: tuple[str, str]) -> bool:
    return (item.yref or "y") == axes[1] and (item.xref or "").split(" ")[0] == axes[0]


def _shapes(layout, axes) -> list[dict]:
    """Shaded y bands (Plotly's hrect) and horizontal lines (hline) of this panel."""
    out = []
    for shape in layout.shapes or ():
        if not _in_panel(shape, axes) or shape.type not in ("rect", "line"):
            continue
        out.append(
            {
                "type": shape.type,
                "y0": min(shape.y0, shape.y1),
                "y1": max(shape.y0, shape.y1),
                "fill": shape.fillcolor,
                "opacity": shape.opacity or 1,
                "colour": shape.line.color,
                "width": shape.line.width or 1,
                "dash": DASHES.get(shape.line.dash or "solid", ""),
            }
        )
    return out


def _notes(layout, axes) -> list[dict]:
    """Text placed in this panel's data coordinates (a band's label)."""
    return [
        {
            "text": str(note.text),
            "x": note.x or 0,
            "y": note.y,
            "colour": note.font.color,
            "above": note.yanchor == "bottom",
        }
        for note in layout.annotations or ()
        if _in_panel(note, axes)
    ]


def _subplot_title(layout, axes: tuple[str, str]) -> str:
    """The paper-placed title above this panel (make_subplots' subplot titles), if any."""
    domain = _axis(layout, axes[0], "x").domain or (0, 1)
    centre = (domain[0] + domain[1]) / 2
    top = (_axis(layout, axes[1], "y").domain or (0, 1))[1]
    for note in layout.annotations or ():
        if note.xref == "paper" and note.yref == "paper" and abs(note.x - centre) < 1e-3:
            if abs(note.y - top) < 1e-3:
                return str(note.text)
    return ""


def _legend(fig: go.Figure) -> list[dict]:
    """Named lines shown in the legend (none when there is only one)."""
    entries = [t for t in fig.data if t.name and t.showlegend is not False]
    if len(entries) < 2:
        return []
    return [
        {
            "name": str(t.name),
            "colour": t.line.color or DEFAULT_COLOUR,
            "width": min(t.line.width or 2, 3),
            "dash": t.line.dash or "solid",
        }
        for t in entries
    ]
