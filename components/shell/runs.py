"""Starting and stopping a visitor's batch of runs (Train, Compare, the sweep), and what the
page says when the app refuses one.

Every visitor has an id of their own for the session: the workers serve visitors in turn, a
visitor has one batch going at a time, and a run whose visitor has gone is stopped
(`models.workers.housekeeping`).
"""

from __future__ import annotations

import uuid

import streamlit as st

from components.shell.resources import host_budget, training_service
from components.shell.session import Slot, session
from models.costs.runs import deadline_seconds, refused
from models.spec import SpecError
from models.workers.batch import Batch
from models.workers.jobs import Busy


def visitor() -> str:
    """This browser session's visitor id (made on first use)."""
    if not session.visitor_id:
        session.visitor_id = uuid.uuid4().hex
    return session.visitor_id


def running(slot: Slot) -> bool:
    """A batch in `slot` (Session.train_batch, Session.cmp_batch) was started and its outcomes
    are not collected yet."""
    batch = slot.get()
    return batch is not None and batch.running


def refuse(slot: Slot, why: str) -> None:
    """Keep `why` to be shown where the batch in `slot` is drawn (`render_refusal`)."""
    session.refusals = session.refusals | {slot.key: why}


def start_batch(
    slot: Slot, items: list, jobs: list, colours: dict | None = None, labels: tuple = ()
) -> None:
    """Stop this visitor's batch in `slot` if one is going, then queue one run per item
    (a callback): a refusal (over the host's budget, the queue full, runs going elsewhere) is
    kept to be shown and nothing starts."""
    session.refusals = {k: v for k, v in session.refusals.items() if k != slot.key}
    if (old := slot.get()) is not None:
        old.stop()
    budget = host_budget()
    if (why := refused(jobs, budget, labels)) is not None:  # the page said so before the click
        refuse(slot, why)
        return
    try:
        slot.set(
            Batch.start(
                training_service(),
                items,
                jobs,
                colours,
                owner=visitor(),
                deadline_seconds=deadline_seconds(budget),
            )
        )
    except Busy as busy:
        refuse(slot, str(busy))


def stop_batch(slot: Slot) -> None:
    if (batch := slot.get()) is not None:
        batch.stop()


def render_refusal(slot: Slot) -> None:
    """Say why the last click for the batch in `slot` started nothing, if it did not."""
    if why := session.refusals.get(slot.key):
        st.warning(why, icon="⏳")


def refusal_before_click(jobs: list, labels: tuple = ()) -> str | None:
    """Why this host would refuse `jobs`, shown before anyone clicks (None: it takes them)."""
    try:
        return refused(jobs, host_budget(), labels)
    except SpecError as error:  # the settings' own problem is shown by the tab already
        return str(error)
