"""The model graph with its view and layout toggles, and a colour legend."""

from __future__ import annotations

import hashlib
import html

import streamlit as st

from components.shell.session import session
from models.analysis.palette import CONFLICT_RANGE, CONFLICT_SCALE, legend
from models.analysis.records import Analysis

VIEW_LABELS = {"layers": "One node per layer object", "calls": "One node per call"}
LAYOUT_LABELS = {"TB": "Top-down", "LR": "Left-right"}
SHORT_VIEW_LABELS = {"layers": "Per layer object", "calls": "Per call"}


def render_toggles(
    view_key: str = "view", layout_key: str = "layout", compact: bool = False
) -> None:
    """View and layout switches; their values live in session state (and the URL). Compact
    (presenter mode): side by side without their labels, the options say what they are."""
    labels = "collapsed" if compact else "visible"
    views = SHORT_VIEW_LABELS if compact else VIEW_LABELS
    switches = (("Graph view", views, view_key), ("Layout", LAYOUT_LABELS, layout_key))
    row = {"gap": "small", "width": "content"} if compact else {"gap": "medium"}
    with st.container(horizontal=True, wrap=True, **row):
        for label, options, key in switches:
            st.segmented_control(
                label,
                list(options),
                key=key,
                format_func=options.get,
                required=True,
                label_visibility=labels,
                help=label if compact else None,
            )


def _swatch(colour: str, text: str) -> str:
    return (
        f'<span style="display:inline-block;width:0.9em;height:0.9em;background:{colour};'
        f'border:1px solid #777;border-radius:2px;margin:0 0.3em -0.1em 0"></span>'
        + html.escape(text)  # layer names come from uploaded models too
    )


def render_legend(analysis: Analysis) -> None:
    """What the fills mean, for the kinds of node this graph has."""
    items = [_swatch(fill, text) for fill, text in legend(analysis)]
    st.html('<div style="font-size:0.85rem;line-height:1.8">' + " &nbsp; ".join(items) + "</div>")


def render_conflict_legend() -> None:
    """The diverging scale of a graph coloured by a run's gradient cosines."""
    stops = ", ".join(CONFLICT_SCALE)
    bar = (
        f'<span style="display:inline-block;width:12em;height:0.9em;border:1px solid #777;'
        f"border-radius:2px;background:linear-gradient(to right, {stops});"
        f'margin:0 0.4em -0.1em 0.4em"></span>'
    )
    st.html(
        '<div style="font-size:0.85rem;line-height:1.8">Shared layers by mean gradient cosine '
        f"between tasks: ≤ −{CONFLICT_RANGE:g} pull apart (orange){bar}≥ +{CONFLICT_RANGE:g} "
        "agree (purple); 0 is white.</div>"
    )


def render_graph(
    dot: str, analysis: Analysis, fit: bool = False, coloured: bool = False, name: str = "graph"
) -> None:
    """The DOT graph, drawn in the browser at its own size, or (`fit`) scaled to the column:
    two graphs side by side are each seen whole (full screen shows them larger). `coloured`:
    its shared layers wear a run's conflict colours (legend: the diverging scale). `name`
    tells the page's graphs apart (two on one run need two names)."""
    # A new graph gets a new chart, never a redraw of the last one: d3-graphviz matches the
    # nodes of two graphs by their DOT ids and reuses their shapes, so model 1's box `c5`
    # became model 2's input `c5` as an empty <path> with an ellipse's attributes (no
    # outline). The chart's id in the browser comes from its place on the page, so each new
    # graph moves it by one place (an empty slot before it, or none): a fresh chart is mounted.
    digest = hashlib.blake2b(dot.encode(), digest_size=8).hexdigest()
    seen, moved = session.graph_places.get(name, ("", False))
    if digest != seen:
        moved = not moved
        session.graph_places = session.graph_places | {name: (digest, moved)}
    with st.container(border=True, key=f"{name}-{digest}"):
        if moved:
            st.empty()
        st.graphviz_chart(dot, width="stretch" if fit else "content")
    if coloured:
        render_conflict_legend()
    render_legend(analysis)
