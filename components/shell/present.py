"""Presenter mode (`?present=1`) for meetings, and a link that reproduces the current view."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from components.shell.session import Session, session

# rem-based type scales with the root size; the main column takes the whole screen width.
# Every view: a graph is drawn at its own size (text about 15 px), never blown up (a small
# model's nodes stay small) nor shrunk past reading: a graph wider than the column scrolls
# sideways, and the full-screen button shows it whole.
PAGE_CSS = """<style>
:root { --lse-bg: #ffffff; }
@media (prefers-color-scheme: dark) { :root { --lse-bg: #0e1117; } }
/* A graph: laid out by the server (.lse-graph), or by the browser where it cannot be. */
:is([data-testid="stGraphVizChart"], .lse-graph) { overflow-x: auto; }
:is([data-testid="stGraphVizChart"] svg, .lse-graph > svg) { max-width: none; height: auto; }
/* The full-screen button sits in a margin of its own at the graph's right, over no node. */
:is([data-testid="stGraphVizChart"], .lse-graph) { padding-right: 2.6rem; }
/* A graph wider than the column scrolls: a shadow at the cut edge says there is more. */
:is([data-testid="stGraphVizChart"], .lse-graph) {
  background:
    linear-gradient(to right, var(--lse-bg, #fff) 30%, transparent) left / 2rem 100% local,
    linear-gradient(to left, var(--lse-bg, #fff) 30%, transparent) right / 2rem 100% local,
    radial-gradient(farthest-side at 0 50%, rgba(0,0,0,.28), transparent) left / 0.9rem 100%,
    radial-gradient(farthest-side at 100% 50%, rgba(0,0,0,.28), transparent) right / 0.9rem 100%;
  background-repeat: no-repeat;
  scrollbar-width: auto; scrollbar-color: #888 transparent;
}
.lse-graph { position: relative; }
.lse-graph > svg { display: block; }
/* Full screen: the box lies over the whole window while the URL points at it (a link, no
   script); its close link points elsewhere. The switches' place is in their own style. */
.lse-graph :is(.lse-graph-open, .lse-graph-close):hover { opacity: 1 !important; }
.lse-graph:target {
  position: fixed; inset: 0; z-index: 1000001; margin: 0; padding: 2.5rem 2rem 1.5rem;
  background: var(--lse-bg, #fff); overflow: auto;
}
.lse-graph:target > svg { width: 100%; height: 100%; max-width: none; max-height: none; }
.lse-graph:target .lse-graph-open { display: none !important; }
.lse-graph:target .lse-graph-close {
  display: block !important; position: fixed !important; top: 0.8rem !important;
  right: 1.2rem !important;
}
/* The headline figures share a row: four fit from 1200 px up, fewer wrap, none is cut. */
[data-testid="stMetric"] { min-width: 10.5rem; max-width: 17rem; }
/* A label longer than its box wraps to a second line rather than ending in "…": a button or a
   figure's label in half of a laptop's column (1024 px with the sidebar open). */
[data-testid^="stBaseButton"] [data-testid="stMarkdownContainer"] *,
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"] * {
  white-space: normal; text-overflow: clip; overflow-wrap: anywhere;
}
</style>"""
PRESENTER_CSS = """<style>
html { font-size: clamp(16px, 0.6vw + 11px, 21px); }
/* The title row takes the place of Streamlit's empty header band (its sidebar button stays
   at the left, its menu at the right): nothing is drawn under the band, no border is cut. */
[data-testid="stMainBlockContainer"] { max-width: none; padding: 0.6rem 2rem 2rem 2rem; }
[data-testid="stHeader"] { background: transparent; }
[data-testid="stHeader"], [data-testid="stHeader"] div { pointer-events: none !important; }
[data-testid="stHeader"] :is(button, a) { pointer-events: auto !important; }
.st-key-masthead { padding: 0 3rem 0 2.2rem; min-height: 3rem; }
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.6rem; }
[data-testid="stHeading"] h1 { font-size: 1.6rem; padding: 0; }
[data-testid="stMetric"] { padding: 0; }
[data-testid="stMetric"] > div { padding: 0.35rem 0.8rem; }
[data-testid="stMetricLabel"] { font-size: 0.8rem; }
[data-testid="stMetricValue"] { font-size: 1.5rem; }
/* The graph fits the height left below the header, figures, tabs and its switches. It is
   never shrunk to the width: a wide (left-right) graph scrolls sideways rather than shrink
   past reading. */
:is([data-testid="stGraphVizChart"] svg, .lse-graph:not(:target) > svg) {
  max-width: none; max-height: calc(100vh - 18rem); width: auto; height: auto;
}
[data-testid="stTabs"] [role="tabpanel"] { padding-top: 0.3rem; }
[class*="st-key-graph-"] { padding: 0.3rem !important; }
[data-testid="stPopover"] button { min-height: 2.2rem; padding: 0.15rem 0.75rem; }
/* The row of presets, k and switches above the graph: small enough for one or two lines. */
.st-key-stage { row-gap: 0.4rem; }
.st-key-stage button { font-size: 0.85rem; min-height: 2rem; padding: 0.1rem 0.6rem; }
.st-key-stage p { font-size: 0.85rem; }
[data-testid="stElementToolbar"] { opacity: 1 !important; }
</style>"""


def presenting() -> bool:
    """Whether the page is in presenter mode."""
    return bool(session.present)


def sidebar_state() -> str:
    """The sidebar starts collapsed in presenter mode: the controls make room for the model."""
    return "collapsed" if presenting() else "auto"


def apply_presenter_style() -> None:
    """The page's own style; larger type and a full-width page while presenting."""
    st.html(PAGE_CSS)
    if presenting():
        st.html(PRESENTER_CSS)


def render_presenter_toggle() -> None:
    """The switch in and out of presenter mode (it is in the link as `present=1`)."""
    st.toggle(
        "Presenter mode",
        key=Session.present.key,
        help="Larger type, controls tucked away, graph and charts given the room. "
        "The link keeps it: share it before a meeting.",
    )


def current_link() -> str:
    """The full link of the current view (the query string holds every setting)."""
    base = st.context.url or ""
    query = urlencode({key: st.query_params[key] for key in st.query_params})
    return f"{base}?{query}" if query else base


def render_share_link() -> None:
    """A popover with the link to this exact view and a copy button."""
    with st.popover("Copy link", icon=":material/link:", width="content"):
        st.caption(
            "This link reopens this exact view: variant, shared layers, sizes, training "
            "settings and graph options. Copy it with the button at the right."
        )
        st.code(current_link(), language=None, wrap_lines=True)


def render_header():
    """Title, presenter switch and an empty slot for the link (filled once the URL is final),
    in one wrapping row: on a narrow screen the controls move under the title, never squeezed."""
    with st.container(
        horizontal=True, wrap=True, vertical_alignment="center", gap="medium", key="masthead"
    ):
        st.title("Layer Sharing Explorer", width="content")
        st.space("stretch")
        render_presenter_toggle()
        link_slot = st.empty()
    if not presenting():  # a projector needs the room more than the reminder
        st.caption(
            "In Keras a layer is shared by calling one layer object more than once. "
            "Pick a variant and how many layers are shared; the model is built live."
        )
    return link_slot
