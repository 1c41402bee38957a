"""Presenter mode (`?present=1`) for meetings, and a link that reproduces the current view."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

# rem-based type scales with the root size; the main column takes the whole screen width.
PRESENTER_CSS = """<style>
html { font-size: 21px; }
[data-testid="stMainBlockContainer"] {
  max-width: none; padding: 2.5rem 2.5rem 3rem 2.5rem;
}
[data-testid="stMetricValue"] { font-size: 2.6rem; }
</style>"""


def presenting() -> bool:
    """Whether the page is in presenter mode."""
    return bool(st.session_state.get("present"))


def sidebar_state() -> str:
    """The sidebar starts collapsed in presenter mode: the controls make room for the model."""
    return "collapsed" if presenting() else "auto"


def apply_presenter_style() -> None:
    """Larger type and a full-width page while presenting."""
    if presenting():
        st.html(PRESENTER_CSS)


def render_presenter_toggle() -> None:
    """The switch in and out of presenter mode (it is in the link as `present=1`)."""
    st.toggle(
        "Presenter mode",
        key="present",
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
    with st.popover("Copy link", icon=":material/link:", width="stretch"):
        st.caption(
            "This link reopens this exact view: variant, shared layers, sizes, training "
            "settings and graph options. Copy it with the button at the right."
        )
        st.code(current_link(), language=None, wrap_lines=True)


def render_header():
    """Title, presenter switch and an empty slot for the link (filled once the URL is final)."""
    title, toggle, share = st.columns([5, 1.7, 1.3], vertical_alignment="bottom")
    title.title("Layer Sharing Explorer")
    with toggle:
        render_presenter_toggle()
    link_slot = share.empty()
    st.caption(
        "In Keras a layer is shared by calling one layer object more than once. "
        "Pick a variant and how many layers are shared; the model is built live."
    )
    return link_slot
