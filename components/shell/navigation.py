"""The page's tabs, by label, and the callback that opens one (a link inside the page); folds
whose content is drawn only once opened."""

from __future__ import annotations

import streamlit as st

from components.shell.session import Session, session

TAB_KEY = Session.tab.key  # the tab switch's widget key, and the link's parameter
QUESTION, MODEL, TRAIN, COMPARE, LAB, UPLOAD = (
    "Question",
    "Model",
    "Train",
    "Compare",
    "Lab",
    "Your model",
)
TABS = (QUESTION, MODEL, TRAIN, COMPARE, LAB, UPLOAD)
# The open tab in a link: `?tab=compare` reopens the Compare tab.
TAB_SLUGS = {
    "question": QUESTION,
    "model": MODEL,
    "train": TRAIN,
    "compare": COMPARE,
    "lab": LAB,
    "upload": UPLOAD,
}
SLUG_OF = {label: slug for slug, label in TAB_SLUGS.items()}


def open_tab(label: str) -> None:
    """Switch to the tab `label` (use as a widget callback: it runs before the next rerun)."""
    session.tab = label


def folded(label: str, key: str):
    """A closed expander that draws its content only while open: returned to draw in when
    open, None when closed. Opening it reruns the page (or the fragment it is in), which then
    draws the content; it stays open for this session's later runs. What nobody opens costs
    neither the server nor the browser (a class training at once pays for every chart)."""
    expander = st.expander(label, key=key, on_change="rerun")
    return expander if expander.open is not False else None  # None: state not tracked
