"""Progress bars for a batch's jobs, drawn from the plain `Progress` reports it gives."""

from __future__ import annotations

import streamlit as st

from models.training.batch import Progress


def _stage(report: Progress) -> str:
    if report.stage == "ended":
        return f"ended after {report.done:,} of {report.total:,} epochs"
    if report.stage == "queued":
        return f"queued: waiting for a free worker ({report.ahead} ahead)"
    if report.stage == "starting":
        return "next to start…"
    if report.stage == "compiling":
        return "building and compiling the model…"
    left = f" · about {report.seconds_left:.1f} s left" if report.seconds_left else ""
    return f"epoch {report.done:,} / {report.total:,}{left}"


def text_of(report: Progress) -> str:
    """What a job's bar says; a lone job's bar needs no label."""
    text = _stage(report)
    return f"{report.label}: {text}" if report.label else text[0].upper() + text[1:]


def render_progress(reports: list[Progress]) -> None:
    """One bar per job."""
    for report in reports:
        st.progress(report.fraction, text=text_of(report))
