"""The live view of running jobs: progress bars and growing charts that the browser redraws
from the jobs' progress files itself (`components/live/feed.js`, drawing with
`components/live/chart.js`), without page reruns.

Streamlit serves the app's `static/` folder at `app/static/` (`server.enableStaticServing`
in `.streamlit/config.toml`); the training service writes progress files under LIVE_ROOT,
each named unguessably. The server reruns the view every SERVER_POLL_SECONDS, for what only
it knows (a job queued, compiling, or a worker that died). When the browser says every job has
ended, that callback collects the outcomes and redraws the part of the page that shows them
(the whole page, or a keyed fragment). Where static serving is off, the server sends the
files' lines with each of its polls instead: the view still grows, only more slowly.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import streamlit as st

from components.live.chart import probe
from models.costs.budget import duration
from models.training import history as losses
from models.workers.batch import Batch, Progress
from models.workers.handle import JobHandle
from models.workers.protocol import END_LINE, complete_lines

STATIC = Path(__file__).resolve().parents[2] / "static"  # beside app.py, as Streamlit wants
LIVE_ROOT = STATIC / "live"
FETCH_MS = 150  # the browser reads the files ~7 times a second: the chart grows smoothly
SERVER_POLL_SECONDS = 2.0  # the server's own look (a job's stage, a worker that died): each
# costs the browser ~0.1 s of a Streamlit rerun, which a short run would wait for
ENDING_SECONDS = 2.0  # after the last epoch the worker saves the model and hands its result
# back (~0.1 s): the server waits for it rather than for another poll

# One module: the chart drawing, then the view that feeds it (it calls chartHtml).
LIVE_JS = "\n".join(
    (Path(__file__).with_name(name)).read_text(encoding="utf-8") for name in ("chart.js", "feed.js")
)

_LIVE = st.components.v2.component(
    "lse_live",
    js=LIVE_JS,
    css=(
        ".lse-progress{margin-bottom:0.75rem}"
        ".lse-progress-text{font-size:0.875rem;margin-bottom:0.25rem}"
        ".lse-track{height:0.5rem;border-radius:0.25rem;overflow:hidden;"
        "background:var(--st-secondary-background-color,rgba(128,128,128,0.2))}"
        ".lse-fill{height:100%;background:var(--st-primary-color,#0072B2)}"
    ),
    isolate_styles=False,  # the page's font and colours; the classes are the view's own
)


def served() -> bool:
    """Whether Streamlit serves the static folder (`.streamlit/config.toml` turns it on)."""
    return bool(st.get_option("server.enableStaticServing"))


def _source(handle: JobHandle) -> tuple[str, str | None]:
    """(address, None) of a job's progress file the browser fetches itself (relative to the
    page), or, if the file is not served, (a name, its complete lines so far): the view then
    grows with each server poll instead."""
    if handle.progress.is_relative_to(STATIC):
        return "app/static/" + handle.progress.relative_to(STATIC).as_posix(), None
    return f"job{handle.id}", complete_lines(handle.progress)


def drawn_columns(batch: Batch) -> tuple[tuple[str, ...], ...]:
    """Per job of `batch`, the columns its growing charts may draw."""
    return tuple(tuple(losses.drawn_live(h.job.spec.n_tasks)) for h in batch.handles)


def probes(columns: Sequence[Sequence[str]]) -> list[pd.DataFrame]:
    """One probe history per job: the live charts' figures are built from these, then
    described with `live_chart.template(figure, columns)`."""
    return [probe(names, feed) for feed, names in enumerate(columns)]


def waiting_text(report: Progress) -> str:
    """A job's bar before its first epoch, in the server's words for what only the server
    knows: its place in the queue (and the wait it expects), a worker starting, compiling.
    ("" for a running or ended job: the browser words those from the file it reads.)"""
    if report.stage == "queued":
        wait = f", about {duration(report.seconds_left)}" if report.seconds_left else ""
        return f"queued: waiting for a free worker ({report.ahead} ahead{wait})"
    if report.stage == "starting":
        return "waiting for a training worker (the first after the app starts takes ~4 s)…"
    if report.stage == "compiling":
        return "building and compiling the model…"
    return ""


def left_text(report: Progress) -> str:
    """ " · about 42 s left" after a running job's epoch count: the server's estimate at the
    speed seen so far (`JobHandle.seconds_left`), renewed at each of its polls."""
    if report.stage != "running" or not report.seconds_left:
        return ""
    return f" · about {duration(report.seconds_left)} left"


def _bar(feed: int, report: Progress) -> dict:
    """One progress bar's words, for `feed.js`'s barText."""
    return {
        "feed": feed,
        "label": report.label,
        "stage": report.stage,
        "waiting": waiting_text(report),
        "left": left_text(report),
    }


def _told_ended(batch: Batch, scope: str) -> None:
    """The browser's "every job has all its epochs or has ended" (a callback): the outcomes are
    collected here and `scope` redrawn at once, without first rerunning the polled view."""
    batch.wait(ENDING_SECONDS)  # the worker saves the model and hands its result back
    if batch.collect_if_done():
        st.rerun(scope=scope)


def render_live(
    batch: Batch,
    reports: Sequence[Progress],
    charts: Sequence[tuple[str, dict]],
    key: str,
    scope: str = "app",
    replaced_by: str | None = None,
) -> None:
    """Progress bars for `batch`'s jobs (`reports`: their stage as the server sees it) and the
    growing `charts`, each a (title, `live_chart.template`) pair; once every job has ended,
    its outcomes are collected and `scope` redrawn: the whole page, or the keyed fragment that
    draws them (`st.fragment(key=...)`). Call it from a fragment polled every
    SERVER_POLL_SECONDS. Once the batch has ended, call it again with `replaced_by`, a CSS
    selector of the final chart the page now draws: the last live chart stays on screen
    until that one has drawn (no blank moment), then goes."""
    urls, texts = zip(*(_source(handle) for handle in batch.handles), strict=True)
    data = {
        "urls": urls,
        "texts": texts,
        "totals": [h.job.config.epochs for h in batch.handles],
        "end": END_LINE,
        "every_ms": FETCH_MS,
        "bars": [_bar(i, report) for i, report in enumerate(reports)],
        "charts": [{"title": title, "chart": chart} for title, chart in charts],
        "replaced_by": replaced_by,
    }
    _LIVE(data=data, key=key, on_ended_change=functools.partial(_told_ended, batch, scope))
    if (
        replaced_by is None and batch.collect_if_done()
    ):  # seen by a poll: say, a worker died mid-run
        st.rerun(scope="app")  # a keyed rerun is for callbacks only
