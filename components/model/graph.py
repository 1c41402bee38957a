"""The model graph with its view and layout toggles, and a colour legend."""

from __future__ import annotations

import hashlib
import html

import streamlit as st

from components.shell.resources import svg_renderer
from components.shell.session import session
from models.analysis.dot_render import DotRenderError
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


def _svg(dot: str) -> str | None:
    """The graph laid out on the server (None: no Graphviz here, or it failed on this graph:
    the browser lays it out instead)."""
    try:
        return svg_renderer().svg(dot)
    except DotRenderError:
        return None


# The full-screen switches, styled inline: right while the page's stylesheet is still on its
# way (the first moments of a visit), and hidden or shown by it for the full-screen state.
_CORNER = "position:absolute;top:0.3rem;right:0.5rem;line-height:1;opacity:0.6;color:inherit"
_EXPAND = (
    '<svg viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" '
    'stroke-width="2"><path d="M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5"/></svg>'
)


def _figure(svg: str, anchor: str) -> str:
    """The SVG at its own size in a box that scrolls sideways when the graph is wider than the
    column, with a full-screen switch that shows it whole: a link to the box itself,
    which CSS (`components.shell.present`) lays over the whole window while it is the URL's
    target, no script needed."""
    switches = (
        f'<a class="lse-graph-open" href="#{anchor}" title="Full screen" style="{_CORNER}">'
        f"{_EXPAND}</a>"
        '<a class="lse-graph-close" href="#lse-graph-closed" title="Close full screen" '
        f'style="{_CORNER};display:none;font-size:1.4rem;text-decoration:none">✕</a>'
    )
    return f'<div class="lse-graph" id="{anchor}">{switches}{svg}</div>'


def render_graph(dot: str, analysis: Analysis, coloured: bool = False, name: str = "graph") -> None:
    """The DOT graph at its own size (full screen shows it whole). `coloured`: its shared
    layers wear a run's conflict colours (legend: the diverging scale). `name` tells the
    page's graphs apart (two on one run need two names)."""
    digest = hashlib.blake2b(dot.encode(), digest_size=8).hexdigest()
    svg = _svg(dot)
    with st.container(border=True, key=f"{name}-{digest}"):
        if svg is not None:
            st.markdown(_figure(svg, f"{name}-{digest}"), unsafe_allow_html=True)
        else:
            _browser_graph(dot, name, digest)
    if coloured:
        render_conflict_legend()
    render_legend(analysis)


def _browser_graph(dot: str, name: str, digest: str) -> None:
    """Streamlit's graphviz chart: the browser lays the graph out."""
    # A new graph gets a new chart, never a redraw of the last one: d3-graphviz matches the
    # nodes of two graphs by their DOT ids and reuses their shapes, so model 1's box `c5`
    # became model 2's input `c5` as an empty <path> with an ellipse's attributes (no
    # outline). The chart's id in the browser comes from its place on the page, so each new
    # graph moves it by one place (an empty slot before it, or none): a fresh chart is mounted.
    seen, moved = session.graph_places.get(name, ("", False))
    if digest != seen:
        moved = not moved
        session.graph_places = session.graph_places | {name: (digest, moved)}
    if moved:
        st.empty()
    st.graphviz_chart(dot, width="content")
