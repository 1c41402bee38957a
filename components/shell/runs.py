"""A visitor's batches of runs (Train, Compare, the sweep, the grouping oracle): starting and
stopping one, what the page says when the app refuses one, and `BatchPanel`, the controls and
live area every batch has, written once.

Every visitor has an id of their own for the session: the workers serve visitors in turn, a
visitor has one batch going at a time, and a run whose visitor has gone is stopped
(`models.workers.housekeeping`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

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


@dataclass(frozen=True)
class BatchPanel:
    """The controls and live area of the batch kept in `slot`: a start button that is off
    while the settings have a problem or the host would refuse the runs (and says why below),
    Stop while the batch goes, why the last click started nothing, and a fragment that draws
    the running batch, polled every `poll_seconds` while it runs."""

    slot: Slot
    poll_seconds: float
    stop_label: str = "Stop"
    stop_key: str | None = None

    def batch(self) -> Batch | None:
        return self.slot.get()

    def running(self) -> bool:
        return running(self.slot)

    def start(self, items: list, jobs: list, colours: dict | None = None, labels=()) -> None:
        start_batch(self.slot, items, jobs, colours, tuple(labels))

    def render_controls(
        self,
        columns: Sequence[DeltaGenerator],
        label: str,
        jobs: list,
        on_click: Callable,
        args: tuple = (),
        problem: str | None = None,
        cannot: str = "Cannot train with these settings",
        labels: Sequence[str] = (),
        key: str | None = None,
        primary: bool = True,
    ) -> bool:
        """Start (`label`, calling `on_click(*args)`) and Stop in the first two of `columns`; below
        them, `problem` after `cannot`, or why this host
        would refuse `jobs`, and a refusal of the last click. True when `jobs` may start."""
        too_big = self.too_big(jobs, labels) if not problem else None
        columns[0].button(
            label,
            key=key,
            type="primary" if primary else "secondary",
            width="stretch",
            disabled=bool(problem or too_big or not jobs),
            on_click=on_click,
            args=args,
        )
        columns[1].button(
            self.stop_label,
            key=self.stop_key,
            width="stretch",
            disabled=not self.running(),
            on_click=stop_batch,
            args=(self.slot,),
        )
        if problem:
            st.error(f"{cannot}: {problem}", icon="🚫")
        elif too_big:
            st.error(too_big, icon="⏱️")
        render_refusal(self.slot)
        return bool(jobs) and not (problem or too_big)

    def too_big(self, jobs: list, labels: Sequence[str] = ()) -> str | None:
        """Why this host would refuse `jobs` (None: it takes them, or there are none)."""
        return refusal_before_click(jobs, tuple(labels)) if jobs else None

    def render_live(self, draw: Callable, *args) -> None:
        """`draw(*args)` in a fragment polled while the batch runs. In a container of its own, so a
        poll still in flight when the runs end cannot touch the elements drawn after it (the
        outcome message was seen to vanish otherwise)."""
        with st.container():
            st.fragment(draw, run_every=self.poll_seconds if self.running() else None)(*args)

    def render_runs_done(self, what: str = "") -> Batch:
        """For a batch whose figure moves only when a run ends: a bar counting the runs done
        (asking counts as a look: its runs are not left alone). Returns the batch."""
        batch = self.batch()
        batch.touch()
        done, total = sum(h.done() for h in batch.handles), len(batch.handles)
        st.progress(done / total, text=f"{what}{done} of {total} runs done")
        return batch

    def collect_when_done(self) -> None:
        """Once every run has ended: collect the outcomes and redraw the page with them."""
        if self.batch().collect_if_done():
            st.rerun(scope="app")
