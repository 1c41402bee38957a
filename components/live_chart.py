"""A growing chart as plain HTML and SVG, redrawn several times a second while a run trains.

The live charts used to be Plotly pictures. A CPU profile of the browser during a 2,000-epoch
run put 4.3 of its 9 s in Plotly's code, and on a 2-core machine the browser's time comes out
of training. The figure is still built by the same function as the finished, interactive
chart (one fact in one place); this module only draws what a live chart shows: its lines,
axes, legend, subplot titles, shaded bands and reference lines.

Each panel's plot area is an SVG picture stretched to the panel (`preserveAspectRatio="none"`)
whose strokes keep their width (`vector-effect`), so the chart fills any column width; text is
HTML in the page's own font and colour, so it reads in light and dark themes alike.
"""

from __future__ import annotations

import base64
import html
import math
import re

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from components.live_scale import VIEW, at, label, span, ticks, values

GRID = "rgba(128,128,128,0.25)"
DASHES = {  # Plotly's dash names as SVG dash arrays
    "dot": "2 3",
    "dash": "6 4",
    "longdash": "10 4",
    "dashdot": "6 3 2 3",
    "longdashdot": "10 3 2 3",
}
TEXT = "font-size:12px;opacity:0.8;white-space:nowrap"


def figure_html(fig: go.Figure) -> str:
    """The figure's line traces, axes and legend as one HTML block (see the module's note)."""
    layout = fig.layout
    panels = _panels(fig)
    columns = len({_domain(layout, x, "x") for x, _ in panels})
    rows = max(1, math.ceil(len(panels) / columns))
    plot_height = max(120, ((layout.height or 380) - 60) // rows - 40)
    cells = "".join(_panel(fig, axes, traces, plot_height) for axes, traces in panels.items())
    grid = f"display:grid;grid-template-columns:repeat({columns},minmax(0,1fr));gap:8px 24px"
    return f'<div class="lse-live">{_legend(fig)}<div style="{grid}">{cells}</div></div>'


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


def _panel(fig: go.Figure, axes: tuple[str, str], traces: list, height: int) -> str:
    layout = fig.layout
    x_axis, y_axis = _axis(layout, axes[0], "x"), _axis(layout, axes[1], "y")
    log = y_axis.type == "log"
    xs = span(traces, "x", None, False)
    ys = span(traces, "y", y_axis.range, log)
    y_marks = ticks(ys, log)  # labelled on the left, gridlines across
    svg = [_bands(layout, axes, ys, log), _grid(y_marks, ys, log)]
    svg += [_polyline(trace, xs, ys, log) for trace in traces]
    picture = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {VIEW} {VIEW}" '
        f'preserveAspectRatio="none">{"".join(svg)}</svg>'
    )
    # An image, because st.html's sanitiser removes inline <svg>; a data URI is kept.
    source = base64.b64encode(picture.encode()).decode()
    plot = (
        f'<img alt="" src="data:image/svg+xml;base64,{source}" '
        'style="position:absolute;inset:0;width:100%;height:100%">' + _notes(layout, axes, ys, log)
    )
    y_ticks = "".join(
        f'<span style="position:absolute;right:4px;top:{100 - at(t, ys, log) / 10:.2f}%;'
        f'transform:translateY(-50%);{TEXT}">{label(t)}</span>'
        for t in y_marks
    )
    x_ticks = "".join(
        f'<span style="position:absolute;left:{at(t, xs, False) / 10:.2f}%;'
        f'transform:translateX(-50%);{TEXT}">{label(t)}</span>'
        for t in ticks(xs, False)
    )
    y_title = _text(y_axis.title.text)
    return (
        f"<div>{_subplot_title(layout, axes)}"
        f'<div style="display:flex;height:{height}px">'
        f'<div style="width:16px;writing-mode:vertical-rl;transform:rotate(180deg);'
        f'text-align:center;font-size:12px">{y_title}</div>'
        f'<div style="position:relative;width:44px">{y_ticks}</div>'
        f'<div style="position:relative;flex:1;border-left:1px solid {GRID};'
        f'border-bottom:1px solid {GRID}">{plot}</div></div>'
        f'<div style="position:relative;height:18px;margin-left:60px">{x_ticks}</div>'
        f'<div style="text-align:center;font-size:12px;margin-left:60px">'
        f"{_text(x_axis.title.text)}</div></div>"
    )


def _grid(marks: list[float], ys, log: bool) -> str:
    """A faint horizontal line at every labelled y value."""
    return "".join(
        f'<line x1="0" x2="{VIEW}" y1="{h:.1f}" y2="{h:.1f}" stroke="{GRID}" '
        'vector-effect="non-scaling-stroke"/>'
        for h in (VIEW - at(t, ys, log) for t in marks)
    )


def _polyline(trace, xs, ys, log: bool) -> str:
    """The trace as one polyline per unbroken stretch (NaN breaks it unless connectgaps)."""
    x, y = values(trace, "x"), values(trace, "y")
    good = np.isfinite(x) & np.isfinite(y) & ((y > 0) if log else True)
    if trace.connectgaps:
        x, y, good = x[good], y[good], good[good]
    line = trace.line
    dash = DASHES.get(line.dash or "solid", "")
    style = (
        f'fill="none" stroke="{line.color or "#7F7F7F"}" stroke-width="{line.width or 2}" '
        f'stroke-linejoin="round" vector-effect="non-scaling-stroke"'
        + (f' stroke-dasharray="{dash}"' if dash else "")
    )
    px = (x - xs[0]) / (xs[1] - xs[0]) * VIEW
    py = VIEW - ((np.log10(np.where(good, y, 1)) if log else y) - ys[0]) / (ys[1] - ys[0]) * VIEW
    out, start = [], None
    for i in range(len(x) + 1):
        if i < len(x) and good[i]:
            start = i if start is None else start
            continue
        if start is not None and i - start > 1:
            points = " ".join(
                f"{a:.0f},{b:.0f}" for a, b in zip(px[start:i], py[start:i], strict=True)
            )
            out.append(f'<polyline points="{points}" {style}/>')
        start = None
    return "".join(out)


def _in_panel(item, axes: tuple[str, str]) -> bool:
    return (item.yref or "y") == axes[1] and (item.xref or "").split(" ")[0] == axes[0]


def _bands(layout, axes, ys, log: bool) -> str:
    """Shaded y bands (Plotly's hrect) and horizontal lines (hline) of this panel."""
    out = []
    for shape in layout.shapes or ():
        if not _in_panel(shape, axes):
            continue
        high, low = max(shape.y0, shape.y1), min(shape.y0, shape.y1)
        top, bottom = VIEW - at(high, ys, log), VIEW - at(low, ys, log)
        if shape.type == "rect":
            out.append(
                f'<rect x="0" width="{VIEW}" y="{top:.1f}" height="{bottom - top:.1f}" '
                f'fill="{shape.fillcolor}" fill-opacity="{shape.opacity or 1}"/>'
            )
        elif shape.type == "line":
            dash = DASHES.get(shape.line.dash or "solid", "")
            out.append(
                f'<line x1="0" x2="{VIEW}" y1="{top:.1f}" y2="{top:.1f}" '
                f'stroke="{shape.line.color}" stroke-width="{shape.line.width or 1}" '
                f'stroke-dasharray="{dash}" vector-effect="non-scaling-stroke"/>'
            )
    return "".join(out)


def _notes(layout, axes, ys, log: bool) -> str:
    """Text placed in this panel's data coordinates (a band's label)."""
    out = []
    for note in layout.annotations or ():
        if not _in_panel(note, axes):
            continue
        top = 100 - at(note.y, ys, log) / 10
        lift = "-100%" if note.yanchor == "bottom" else "-50%"
        colour = f"color:{note.font.color};" if note.font.color else ""
        out.append(
            f'<span style="position:absolute;left:{100 * (note.x or 0):.1f}%;top:{top:.2f}%;'
            f'transform:translateY({lift});padding:0 4px;{colour}{TEXT}">{_text(note.text)}</span>'
        )
    return "".join(out)


def _subplot_title(layout, axes: tuple[str, str]) -> str:
    """The paper-placed title above this panel (make_subplots' subplot titles), if any."""
    domain = _axis(layout, axes[0], "x").domain or (0, 1)
    centre = (domain[0] + domain[1]) / 2
    top = (_axis(layout, axes[1], "y").domain or (0, 1))[1]
    for note in layout.annotations or ():
        if note.xref == "paper" and note.yref == "paper" and abs(note.x - centre) < 1e-3:
            if abs(note.y - top) < 1e-3:
                return f'<div style="text-align:center;font-size:14px">{_text(note.text)}</div>'
    return ""


def _legend(fig: go.Figure) -> str:
    entries = [t for t in fig.data if t.name and t.showlegend is not False]
    if len(entries) < 2:
        return ""
    items = []
    for trace in entries:
        dash = trace.line.dash or "solid"
        style = "solid" if dash == "solid" else "dotted" if dash == "dot" else "dashed"
        colour, width = trace.line.color or "#7F7F7F", min(trace.line.width or 2, 3)
        swatch = f'<span style="width:28px;border-top:{width:g}px {style} {colour}"></span>'
        items.append(
            f'<span style="display:inline-flex;align-items:center;gap:4px;margin-right:14px;'
            f'font-size:12px">{swatch}{_text(trace.name)}</span>'
        )
    return f'<div style="display:flex;flex-wrap:wrap;margin-bottom:6px">{"".join(items)}</div>'


def _text(value) -> str:
    return html.escape(str(value)) if value else ""


def render_live(charts: list[tuple[str, go.Figure]]) -> None:
    """Draw growing charts (see the module's note), each under its title ("": none), as one
    element: the browser redraws its whole page once per element a poll sends."""
    headed = [
        (f'<p style="font-weight:600;margin:1rem 0 0.25rem">{_text(title)}</p>' if title else "")
        + figure_html(fig)
        for title, fig in charts
    ]
    st.html("".join(headed))
