"""One error boundary per tab and panel: an unexpected exception in one part of the page becomes
a short message there, is logged on the server with its traceback, and the rest of the page
keeps working. Errors a person can cause are still handled where they happen, with a message
that says what to change; this is the net under everything else.
"""

from __future__ import annotations

import functools
import logging
import re

import streamlit as st

LOG = logging.getLogger("layer_sharing_explorer")
PATH = re.compile(r"(?:[A-Za-z]:)?(?:[\\/][\w.@+-]+){2,}")  # a file path: the server's business
MAX_DETAIL = 200


def _detail(error: Exception) -> str:
    """The error's type and first line, without file paths, short enough for the page."""
    first = (str(error).strip().splitlines() or [""])[0]
    text = PATH.sub("…", first)[:MAX_DETAIL]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def render_guarded(part: str, render, *args, **kwargs) -> None:
    """Draw `render(*args, **kwargs)`; if it raises, say so in its place and log the traceback.

    Streamlit's own control flow (st.rerun, st.stop) is a BaseException and passes through.
    """
    try:
        render(*args, **kwargs)
    except Exception as error:  # the boundary's one job: nothing else may reach the person
        LOG.exception("The %s part of the page failed", part)
        st.error(
            f"This part of the page ({part}) hit an error: {_detail(error)}. The rest of the "
            "page still works; changing a setting or reloading the page runs this part again.",
            icon="🚧",
        )


def guarded(part: str):
    """Decorator form of `render_guarded`, for fragments and panels drawn on their own."""

    def wrap(render):
        @functools.wraps(render)
        def run(*args, **kwargs) -> None:
            render_guarded(part, render, *args, **kwargs)

        return run

    return wrap
