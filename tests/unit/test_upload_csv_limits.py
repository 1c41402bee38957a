"""A CSV's size and width are refused from its bytes, before pandas parses it (pandas would
build a frame of every column to count them), in the reader and in the page."""

from __future__ import annotations

import pytest

import models.data.csv_read
from models.data.csv_read import (
    MAX_COLUMNS,
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_MB,
    UploadError,
    check_size,
    read_csv,
)


@pytest.fixture
def no_pandas_parse(monkeypatch):
    """Fail the test if pandas is asked to parse the file."""

    def refuse(*args, **kwargs):
        raise AssertionError("pandas parsed a file that its bytes already refuse")

    monkeypatch.setattr(models.data.csv_read.pd, "read_csv", refuse)


def rows(header: list[str], separator: str = ",", n: int = 5) -> bytes:
    lines = [separator.join(header)]
    lines += [
        separator.join(str(r * len(header) + c) for c in range(len(header))) for r in range(n)
    ]
    return "\n".join(lines).encode()


def test_a_header_of_a_million_columns_is_refused_before_pandas(no_pandas_parse):
    data = b"," * (10**6 - 1) + b"\n" + b"1" + b",2" * (10**6 - 1) + b"\n"
    assert len(data) < MAX_UPLOAD_BYTES
    with pytest.raises(UploadError, match=f"1,000,000 columns; the limit is {MAX_COLUMNS}."):
        read_csv(data)


@pytest.mark.parametrize("separator", [",", ";", "\t", "|"])
def test_one_column_past_the_limit_is_refused_before_pandas(no_pandas_parse, separator):
    header = [f"c{i}" for i in range(MAX_COLUMNS + 1)]
    with pytest.raises(UploadError, match=f"{MAX_COLUMNS + 1} columns; the limit is"):
        read_csv(rows(header, separator))


def test_the_limit_itself_and_quoted_separators_in_names_are_read():
    table = read_csv(rows([f"c{i}" for i in range(MAX_COLUMNS)]))
    assert table.values.shape[1] == MAX_COLUMNS
    quoted = '"' + "," * 100 + 'a",b,c'  # one name holds 100 commas: still three columns
    table = read_csv(
        quoted.encode() + b"\n" + b"\n".join(b"%d,%d,%d" % (i, i * i, 7 - i) for i in range(9))
    )
    assert list(table.values.columns)[1:] == ["b", "c"]


def test_a_file_over_the_size_limit_is_refused_from_its_size_alone(no_pandas_parse):
    check_size(MAX_UPLOAD_BYTES)
    with pytest.raises(UploadError, match=f"the limit is {MAX_UPLOAD_MB} MB"):
        check_size(MAX_UPLOAD_BYTES + 1)
    with pytest.raises(UploadError, match=f"the limit is {MAX_UPLOAD_MB} MB"):
        read_csv(b"a,b\n" + b"1,2\n" * (MAX_UPLOAD_BYTES // 4))
