"""A batch of training jobs owned by one browser session: submit, watch, stop, collect.

A batch lives in `st.session_state[key]` only (its job handles included), so no session ever
sees another's runs: {"items": what each job stands for, "colours": {spec: colour},
"handles": [JobHandle], "outcomes": None while running, then [(TrainResult|None, error|None)]}.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from components.resources import training_service
from models.training.jobs import TrainJob


def start_batch(key: str, items: Sequence, jobs: Sequence[TrainJob], colours: dict) -> None:
    """Stop this key's previous batch, then queue one job per item (callback of a button)."""
    stop_batch(key)
    service = training_service()
    handles = [service.submit(job) for job in jobs]
    st.session_state[key] = {
        "items": list(items),
        "colours": dict(colours),
        "handles": handles,
        "outcomes": None,
    }


def stop_batch(key: str) -> None:
    """Ask every unfinished job of the batch to stop (queued ones are cancelled)."""
    batch = st.session_state.get(key)
    for handle in batch["handles"] if batch else ():
        if not handle.done():
            handle.stop()


def running(key: str) -> bool:
    """The batch exists and its outcomes are not collected yet."""
    batch = st.session_state.get(key)
    return batch is not None and batch["outcomes"] is None


def collect_if_done(key: str) -> bool:
    """Store every job's outcome once all have ended; True when that just happened."""
    batch = st.session_state[key]
    if batch["outcomes"] is not None or not all(h.done() for h in batch["handles"]):
        return False
    batch["outcomes"] = [h.outcome() for h in batch["handles"]]
    return True


def histories(key: str) -> list[pd.DataFrame]:
    """Each job's losses: the finished history when there is one, else the epochs so far."""
    batch = st.session_state[key]
    outcomes = batch["outcomes"] or [(None, None)] * len(batch["handles"])
    return [
        result.history if result is not None else handle.history()
        for handle, (result, _) in zip(batch["handles"], outcomes, strict=True)
    ]


def statuses(key: str) -> list[tuple[str, float | None]]:
    """(status, seconds) per job once collected: finished/stopped/diverged, or the error."""
    batch = st.session_state[key]
    return [
        (result.status, result.seconds) if result is not None else (error, None)
        for result, error in batch["outcomes"]
    ]


def show_progress(key: str, labels: Sequence[str], histories: Sequence | None = None) -> None:
    """One progress bar per job: queued, epochs done, or ended.

    `histories`: the jobs' histories if the caller has just read them (saves reading twice).
    """
    batch = st.session_state[key]
    service = training_service()
    done_counts = [len(h) for h in histories] if histories is not None else None
    for i, (label, handle) in enumerate(zip(labels, batch["handles"], strict=True)):
        total = handle.job.config.epochs
        done = done_counts[i] if done_counts is not None else len(handle.rows())
        if handle.done():
            text = f"{label}: ended after {done:,} of {total:,} epochs"
        elif not handle.started():
            ahead = service.queue_position(handle)
            text = f"{label}: queued ({ahead} ahead)" if ahead else f"{label}: starting…"
        elif done == 0:
            text = f"{label}: building and compiling the model…"
        else:
            text = f"{label}: epoch {done:,} / {total:,}"
        st.progress(min(done / total, 1.0), text=text)
