"""A CSV over the limits is refused in the page with what to change (AppTest)."""

from __future__ import annotations

import pandas as pd
import pytest

from models.data.csv_read import (
    MAX_COLUMNS,
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_MB,
)
from support.page import metric, run_app


def rows(header: list[str], separator: str = ",", n: int = 5) -> bytes:
    lines = [separator.join(header)]
    lines += [
        separator.join(str(r * len(header) + c) for c in range(len(header))) for r in range(n)
    ]
    return "\n".join(lines).encode()


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
