"""A CSV's size and width are refused from its bytes, before pandas parses it (pandas would
build a frame of every column to count them), in the reader and in the page."""

from __future__ import annotations

import pandas as pd
import pytest

import models.training.csv_read
from models.training.csv_read import (
    MAX_COLUMNS,
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_MB,
    UploadError,
    check_size,
    read_csv,
)
from test_app import metric, run_app


@pytest.fixture
def no_pandas_parse(monkeypatch):
    """Fail the test if pandas is asked to parse the file."""

    def refuse(*args, **kwargs):
        raise AssertionError("pandas parsed a file that its bytes already refuse")

    monkeypatch.setattr(models.training.csv_read.pd, "read_csv", refuse)


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


@pytest.mark.slow
def test_the_page_refuses_an_oversized_or_too_wide_csv_and_keeps_working(monkeypatch):
    at = run_app()
    next(s for s in at.get("button_group") if s.label == "Data").set_value("csv").run()
    parsed = []
    monkeypatch.setattr(pd, "read_csv", lambda *a, **k: parsed.append(1))  # must not be reached
    big = b"a,b\n" + b"1,2\n" * (MAX_UPLOAD_BYTES // 4)
    at.file_uploader[0].set_value(("big.csv", big, "text/csv")).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        f"big.csv: The file is 5.0 MB; the limit is {MAX_UPLOAD_MB} MB. Keep fewer rows or columns."
    ]
    wide = rows([f"c{i}" for i in range(200)])
    at.file_uploader[0].set_value(("wide.csv", wide, "text/csv")).run()
    assert [e.value for e in at.error] == [
        f"wide.csv: The file has 200 columns; the limit is {MAX_COLUMNS}."
    ]
    assert parsed == [] and "csv_table" not in at.session_state
    assert metric(at, "Total parameters") == "52,012"  # the rest of the page works
