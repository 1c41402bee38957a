"""The page's tabs, by label, and the callback that opens one (a link inside the page)."""

from __future__ import annotations

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
