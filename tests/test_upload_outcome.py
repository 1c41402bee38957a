"""What the page shows for an uploaded file: its analysis, or one sentence for any failure."""

from __future__ import annotations

from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import pytest

import models.uploads.outcome
from models.analysis.graph import to_dot
from models.analysis.sharing import analyse
from models.uploads.examples import model_file_bytes, siamese
from models.uploads.loader import ModelUploadError
from models.uploads.outcome import AnalysedFile, UploadOutcome, analysis_outcome


def _failed(error: BaseException):
    def submit(fn, *args) -> Future:
        future = Future()
        future.set_exception(error)
        return future

    return submit


def test_outcome_of_a_good_file_is_its_analysis():
    data = model_file_bytes(siamese())
    with ThreadPoolExecutor(1) as pool:
        outcome = analysis_outcome(pool.submit, data)
    assert outcome.error is None and outcome.analysis.totals.total == 73


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (ModelUploadError("This is not a `.keras` file"), "This is not a `.keras` file"),
        (BrokenProcessPool("gone"), "stopped (killed or out of memory)"),
        (RuntimeError("odd"), "could not be analysed: RuntimeError: odd"),
        (CancelledError(), "stopped (killed or out of memory)"),
    ],
)
def test_outcome_of_a_failure_is_a_message(error, shown):
    outcome = analysis_outcome(_failed(error), b"whatever")
    assert outcome.analysis is None and shown in outcome.error


def test_a_worker_busy_too_long_is_a_message_and_the_queued_file_is_dropped(monkeypatch):
    monkeypatch.setattr(models.uploads.outcome, "WAIT_SECONDS", 0.01)
    queued = Future()  # never started: a worker still busy with a training run
    outcome = analysis_outcome(lambda fn, *args: queued, b"whatever")
    assert outcome.analysis is None and "workers were busy" in outcome.error
    assert queued.cancelled()


def test_each_graph_of_an_analysed_file_is_drawn_once():
    analysed = AnalysedFile.of("upload:1", UploadOutcome(analysis=analyse(siamese())))
    first = analysed.dot("layers", "LR")
    assert first == to_dot(analysed.analysis, "layers", "LR")
    assert analysed.dot("layers", "LR") is first and list(analysed.dots) == [
        ("layers", "LR", False)
    ]
    assert analysed.dot("layers", "TB") != first
