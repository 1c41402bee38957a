"""What the page shows for an uploaded file: its analysis, or one sentence for any failure."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import pytest

from models.uploads.examples import model_file_bytes, siamese
from models.uploads.loader import ModelUploadError
from models.uploads.outcome import analysis_outcome


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
    ],
)
def test_outcome_of_a_failure_is_a_message(error, shown):
    outcome = analysis_outcome(_failed(error), b"whatever")
    assert outcome.analysis is None and shown in outcome.error
