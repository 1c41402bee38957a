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
from models.costs.runs import deadline_seconds, refused
from models.spec import SpecError
from models.workers.batch import Batch
from models.workers.jobs import Busy

VISITOR = "visitor_id"


def visitor() -> str:
    """This browser session's visitor id (made on first use)."""
    return st.session_state.setdefault(VISITOR, uuid.uuid4().hex)


def _refused_key(key: str) -> str:
    return f"{key}_refused"


def batch_under(key: str) -> Batch | None:
    """This visitor's batch under `key`, if one was started."""
    return st.session_state.get(key)


def running(key: str) -> bool:
    """A batch under `key` was started and its outcomes are not collected yet."""
    batch = batch_under(key)
    return batch is not None and batch.running


def refuse(key: str, why: str) -> None:
    """Keep `why` to be shown where the batch under `key` is drawn (`render_refusal`)."""
    st.session_state[_refused_key(key)] = why


def start_batch(
    key: str, items: list, jobs: list, colours: dict | None = None, labels: tuple = ()
) -> None:
    """Stop this visitor's batch under `key` if one is going, then queue one run per item
    (a callback): a refusal (over the host's budget, the queue full, runs going elsewhere) is
    kept to be shown and nothing starts."""
    state = st.session_state
    state.pop(_refused_key(key), None)
    if (old := state.get(key)) is not None:
        old.stop()
    budget = host_budget()
    if (why := refused(jobs, budget, labels)) is not None:  # the page said so before the click
        state[_refused_key(key)] = why
        return
    try:
        state[key] = Batch.start(
            training_service(),
            items,
            jobs,
            colours,
            owner=visitor(),
            deadline_seconds=deadline_seconds(budget),
        )
    except Busy as busy:
        state[_refused_key(key)] = str(busy)


def stop_batch(key: str) -> None:
    if (batch := st.session_state.get(key)) is not None:
        batch.stop()


def render_refusal(key: str) -> None:
    """Say why the last click under `key` started nothing, if it did not."""
    if refused := st.session_state.get(_refused_key(key)):
        st.warning(refused, icon="⏳")


def refusal_before_click(jobs: list, labels: tuple = ()) -> str | None:
    """Why this host would refuse `jobs`, shown before anyone clicks (None: it takes them)."""
    try:
        return refused(jobs, host_budget(), labels)
    except SpecError as error:  # the settings' own problem is shown by the tab already
        return str(error)
