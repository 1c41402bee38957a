"""Progress bars for a batch's jobs, drawn from the plain `Progress` reports it gives."""

from __future__ import annotations

import streamlit as st

from models.workers.batch import Progress, Waited


def duration(seconds: float) -> str:
    """A time a person reads at a glance: "4.2 s", "42 s", "19 min 42 s", "2 h 5 min"."""
    if seconds < 9.95:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60} s"
    return f"{whole // 3600} h {whole % 3600 // 60} min"


def _stage(report: Progress) -> str:
    if report.stage == "ended":
        return f"ended after {report.done:,} of {report.total:,} epochs"
    if report.stage == "queued":
        return f"queued: waiting for a free worker ({report.ahead} ahead)"
    if report.stage == "starting":
        return "waiting for a training worker (the first after the app starts takes ~4 s)…"
    if report.stage == "compiling":
        return "building and compiling the model…"
    left = f" · about {duration(report.seconds_left)} left" if report.seconds_left else ""
    return f"epoch {report.done:,} / {report.total:,}{left}"


def text_of(report: Progress) -> str:
    """What a job's bar says; a lone job's bar needs no label."""
    text = _stage(report)
    return f"{report.label}: {text}" if report.label else text[0].upper() + text[1:]


def render_progress(reports: list[Progress]) -> None:
    """One bar per job."""
    for report in reports:
        st.progress(report.fraction, text=text_of(report))


def finished_text(epochs: int, seconds: float, waited: Waited | None) -> str:
    """ "Finished 60 epochs in 1.3 s", or, when the person waited for more than the training
    (a worker to start, the model to compile), the whole wait split into what it was for."""
    text = f"Finished {epochs:,} epochs in "
    if waited is None or (waited.worker < 0.5 and not waited.compiled):
        return text + f"{seconds:.1f} s"
    parts = [f"{waited.worker:.1f} s waiting for a training worker"] if waited.worker >= 0.5 else []
    doing = "building and compiling the model, then training" if waited.compiled else "training"
    parts.append(f"{waited.training:.1f} s {doing}")
    return text + f"{waited.total:.1f} s: " + ", ".join(parts)
