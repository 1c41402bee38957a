"""Whatever bytes arrive, the upload gives an Analysis or a ModelUploadError, nothing else."""

from __future__ import annotations

import functools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.analysis.records import Analysis
from models.uploads.examples import model_file_bytes, siamese
from models.uploads.loader import ModelUploadError, analyse_model_file

# Trains in worker processes or drives many page runs: left out of the quick loop.
pytestmark = pytest.mark.slow


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SEEN: dict[str, list[int]] = {}  # kind -> [analysed, refused]: tried inputs, for the report


@functools.cache
def valid_file() -> bytes:
    return model_file_bytes(siamese())


def outcome(kind: str, data) -> None:
    """Analyse `data`; anything but an Analysis or a ModelUploadError fails the test."""
    counts = SEEN.setdefault(kind, [0, 0])
    try:
        result = analyse_model_file(data)
    except ModelUploadError as error:
        assert str(error).strip(), "a refusal must say why"
        counts[1] += 1
        return
    assert isinstance(result, Analysis)
    assert result.totals.total == sum(layer.params for layer in result.layers)
    counts[0] += 1


def test_the_valid_file_itself_analyses():
    outcome("valid", valid_file())
    assert SEEN["valid"] == [1, 0]


@SETTINGS
@given(st.binary(max_size=4096))
def test_random_bytes(data):
    outcome("random", data)


@SETTINGS
@given(st.data())
def test_truncations(data):
    file = valid_file()
    outcome("truncated", file[: data.draw(st.integers(0, len(file) - 1))])


@SETTINGS
@given(st.data())
def test_byte_flips(data):
    file = bytearray(valid_file())
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(file) - 1))
        file[at] ^= data.draw(st.integers(1, 255))
    outcome("flipped", bytes(file))


@SETTINGS
@given(
    st.one_of(
        st.none(),
        st.integers(),
        st.floats(),
        st.text(),
        st.lists(st.integers(0, 255)),
        st.dictionaries(st.text(), st.binary()),
    )
)
def test_wrong_types(value):
    outcome("wrong type", value)
