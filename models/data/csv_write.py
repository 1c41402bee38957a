"""CSV downloads that are safe to open in a spreadsheet.

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula
by Excel, LibreOffice and Google Sheets ("CSV injection"): a column name taken from a person's
file, such as `=HYPERLINK("http://…")`, would run on the machine of whoever opens the download.
Such text gets a leading `'`, which spreadsheets show as text (OWASP's advice). Numbers are
written as numbers: a negative loss stays a number.
"""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(value):
    """`value`, with a leading `'` if it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_csv(frame: pd.DataFrame, float_format: str | None = None) -> str:
    """`frame` as CSV text (no index) in which no column name or text cell is a formula."""
    safe = frame.rename(columns=as_text)
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(as_text)
    return safe.to_csv(index=False, float_format=float_format)
