"""What the page shows for an uploaded file: its analysis, or one sentence for any failure."""

from __future__ import annotations

import pytest

from models.analysis.graph import to_dot
from models.analysis.sharing import analyse
from models.uploads.examples import model_file_bytes, siamese
from models.uploads.isolated import LoadStopped
from models.uploads.loader import ModelUploadError
from models.uploads.outcome import AnalysedFile, UploadOutcome, analysis_outcome


def _in_this_process(fn, *args):
    return fn(*args)


def _failed(error: BaseException):
    def run(fn, *args):
        raise error

    return run


def test_outcome_of_a_good_file_is_its_analysis():
    outcome = analysis_outcome(_in_this_process, model_file_bytes(siamese()))
    assert outcome.error is None and outcome.analysis.totals.total == 73


def test_outcome_of_a_refused_file_is_the_refusal():
    outcome = analysis_outcome(_in_this_process, b"PK\x03\x04 not really a zip")
    assert outcome.analysis is None and outcome.error.startswith("This is not a `.keras` file")


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (ModelUploadError("This is not a `.keras` file"), "This is not a `.keras` file"),
        (LoadStopped("The model needed more than 1,200 MB"), "The model needed more than 1,200"),
        (RuntimeError("odd"), "could not be analysed: RuntimeError: odd"),
        (MemoryError(), "could not be analysed: MemoryError"),
    ],
)
def test_outcome_of_a_failure_is_a_message(error, shown):
    outcome = analysis_outcome(_failed(error), b"whatever")
    assert outcome.analysis is None and shown in outcome.error


def test_each_graph_of_an_analysed_file_is_drawn_once():
    analysed = AnalysedFile.of("upload:1", UploadOutcome(analysis=analyse(siamese())))
    first = analysed.dot("layers", "LR")
    assert first == to_dot(analysed.analysis, "layers", "LR")
    assert analysed.dot("layers", "LR") is first and list(analysed.dots) == [
        ("layers", "LR", False)
    ]
    assert analysed.dot("layers", "TB") != first
