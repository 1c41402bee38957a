"""The model graph with its view and layout toggles, and a colour legend."""

from __future__ import annotations

import html

import streamlit as st

from models.analysis.palette import CONFLICT_RANGE, CONFLICT_SCALE, legend
from models.analysis.records import Analysis

VIEW_LABELS = {"layers": "One node per layer object", "calls": "One node per call"}
LAYOUT_LABELS = {"TB": "Top-down", "LR": "Left-right"}


def render_toggles(
    view_key: str = "view", layout_key: str = "layout", compact: bool = False
) -> None:
    """View and layout switches; their values live in session state (and the URL). Compact
    (presenter mode): side by side without their labels, the options say what they are."""
    labels = "collapsed" if compact else "visible"
    switches = (("Graph view", VIEW_LABELS, view_key), ("Layout", LAYOUT_LABELS, layout_key))
    with st.container(horizontal=True, wrap=True, gap="medium"):
        for label, options, key in switches:
            st.segmented_control(
                label,
                list(options),
                key=key,
                format_func=options.get,
                required=True,
                label_visibility=labels,
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


def render_graph(dot: str, analysis: Analysis, fit: bool = False, coloured: bool = False) -> None:
    """The DOT graph, drawn in the browser at its own size, or (`fit`) scaled to the column:
    two graphs side by side are each seen whole (full screen shows them larger). `coloured`:
    its shared layers wear a run's conflict colours (legend: the diverging scale)."""
    with st.container(border=True):
        st.graphviz_chart(dot, width="stretch" if fit else "content")
    if coloured:
        render_conflict_legend()
    render_legend(analysis)
