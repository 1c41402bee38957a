"""A person's CSV file -> a checked table of numeric series in time order.

Files as people's files are: a byte-order mark, `;` or tab separators, decimal commas,
quoted numbers with thousands separators, `NA`/`n/a`/`.`/empty cells as gaps, time as one
column (ISO dates, `YYYYMMDD` numbers, `1974Q1` periods) or as calendar columns (`year` +
`quarter`, `YEAR` alone, `year` + `month`). Every problem becomes an `UploadError` whose message
says what is wrong and what to do; nothing here raises anything else for bad input.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.data.calendar import order_by_time
from models.spec import MAX_FEATURES

MAX_UPLOAD_MB = 5
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 64  # in the file; at most MAX_FEATURES of them are used at once
MIN_ROWS = 3
GAPS = ("", "NA", "N/A", "n/a", "na", "NaN", "nan", "null", "NULL", "None", ".", "-", "--", "?")
# 1,5 or 1.234,5 (dots grouping thousands); in a one-column file "1,234" stays ambiguous.
DECIMAL_COMMA = re.compile(r"^\s*-?(\d{1,3}(\.\d{3})+|\d+),\d+\s*$")
US_THOUSANDS = re.compile(r"^\s*-?[1-9]\d{0,2}(,\d{3})+(\.\d+)?\s*$")  # "0,999" is not one
LIMITS_TEXT = (
    f"CSV text, up to {MAX_UPLOAD_MB} MB, {MAX_ROWS:,} rows and {MAX_COLUMNS} columns; "
    f"one numeric column per series (use up to {MAX_FEATURES}), optional time columns."
)


class UploadError(ValueError):
    """A file or choice that cannot be used; the message is meant for the page."""


@dataclass(frozen=True, eq=False)
class Table:
    """A parsed file: numeric series in time order, its time labels, and what was left out."""

    values: pd.DataFrame  # float64, one column per series, rows in time order
    time_column: str | None  # the column(s) that gave the order, e.g. "year + quarter"
    left_out: tuple[tuple[str, str], ...]  # (column, why) for columns that are not series
    times: tuple[str, ...] = ()  # one label per row, in order ("1974Q1"), when time was given

    @property
    def ignored(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.left_out)

    @property
    def nan_counts(self) -> dict[str, int]:
        """Missing values per column (only columns that have some)."""
        counts = self.values.isna().sum()
        return {str(c): int(n) for c, n in counts.items() if n}


def read_csv(data: bytes) -> Table:
    """Parse uploaded bytes into a `Table`, or raise `UploadError` saying what is wrong."""
    frame = _parse(_decode(data))
    frame, time_columns, times = order_by_time(frame)
    numeric, left_out = _series_columns(frame.drop(columns=time_columns))
    if numeric.shape[1] == 0:
        reasons = "; ".join(f"{name}: {why}" for name, why in left_out) or "none"
        raise UploadError(f"No column can be a series (each needs numbers that vary): {reasons}.")
    if numeric.notna().any(axis=1).sum() < MIN_ROWS:
        raise UploadError(
            f"The file has fewer than {MIN_ROWS} rows of numbers: nothing to forecast."
        )
    time_column = " + ".join(time_columns) or None
    return Table(numeric, time_column, tuple(left_out), times)


def check_size(n_bytes: int) -> None:
    """Refuse a file over MAX_UPLOAD_MB from its size alone: the page calls this before it reads
    an upload's bytes (the browser's own check is easily bypassed)."""
    if n_bytes > MAX_UPLOAD_BYTES:
        raise UploadError(
            f"The file is {n_bytes / 1024 / 1024:.1f} MB; the limit is {MAX_UPLOAD_MB} MB. "
            "Keep fewer rows or columns."
        )


def _decode(data: bytes) -> str:
    if not data:
        raise UploadError("The file is empty.")
    check_size(len(data))
    if b"\x00" in data[:8192]:
        raise UploadError("This is not a CSV text file (it contains binary data).")
    for encoding in ("utf-8-sig", "latin-1"):  # utf-8-sig drops a byte-order mark
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UploadError("The file's text encoding could not be read; save it as UTF-8.")


def _dialect(text: str) -> tuple[str, str, str | None]:
    """(separator, decimal mark, thousands separator) of the text."""
    sample = text[:8192]
    try:
        separator = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        separator = ";" if sample.count(";") > sample.count(",") else ","
    lines = sample.splitlines()
    if len(text) > len(sample):  # the sample's last line may be cut mid-cell ("1,5" of "1,500.2")
        lines = lines[:-1]
    one_column = bool(lines) and not any(mark in lines[0] for mark in ",;\t|")
    if one_column:  # nothing to split: the sniffer's guess would cut "1,5" in two
        separator = ";"
    if separator != ",":
        cells = [c.strip().strip('"') for line in lines[1:] for c in line.split(separator)]
        european = [c for c in cells if DECIMAL_COMMA.match(c)]
        if european and not (one_column and all(US_THOUSANDS.match(c) for c in european)):
            return separator, ",", "."  # 1.234,5: the European way
        return separator, ".", ","
    return separator, ".", ","  # "1,234.5" can only be a quoted number in a comma file


def _check_width(text: str, separator: str) -> None:
    """Refuse a file wider than MAX_COLUMNS from its header line, before pandas reads it: pandas
    would build the whole frame to count its columns (a 5 MB line of commas is a million).
    Rows need no such check: pandas stops at MAX_ROWS + 1 itself (`nrows`)."""
    header = text.partition("\n")[0]
    if header.count(separator) < MAX_COLUMNS:  # quoted separators only make fewer columns
        return
    columns = len(next(csv.reader([header], delimiter=separator), []))
    if columns > MAX_COLUMNS:
        raise UploadError(f"The file has {columns:,} columns; the limit is {MAX_COLUMNS}.")


def _parse(text: str) -> pd.DataFrame:
    if not text.strip():
        raise UploadError("The file is empty.")
    separator, decimal, thousands = _dialect(text)
    _check_width(text, separator)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            decimal=decimal,
            thousands=thousands,
            na_values=list(GAPS),
            keep_default_na=True,
            skipinitialspace=True,
            nrows=MAX_ROWS + 1,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        raise UploadError(f"This file could not be read as CSV: {error}".strip()) from None
    if frame.shape[1] > MAX_COLUMNS:
        raise UploadError(f"The file has {frame.shape[1]} columns; the limit is {MAX_COLUMNS}.")
    if len(frame) > MAX_ROWS:
        raise UploadError(
            f"The file has more than {MAX_ROWS:,} rows; keep the latest {MAX_ROWS:,}."
        )
    if len(frame) < MIN_ROWS:
        raise UploadError(
            f"The file has {len(frame)} data row(s) under its header; a series needs at least "
            f"{MIN_ROWS} (and enough for windows of time steps + horizon)."
        )
    frame.columns = [str(c).strip() or f"column{i + 1}" for i, c in enumerate(frame.columns)]
    return frame


def _series_columns(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """Columns that are (almost) all numbers and vary; the others, each with its reason."""
    keep, left_out = {}, []
    for name in frame.columns:
        numbers = pd.to_numeric(frame[name], errors="coerce")
        present = frame[name].notna()
        if not present.any():
            left_out.append((name, "empty"))
        elif numbers[present].notna().mean() < 0.99:
            left_out.append((name, "not numeric"))
        elif numbers.nunique(dropna=True) < 2:
            left_out.append((name, "constant: it cannot be standardised or forecast"))
        else:
            keep[name] = numbers.astype(np.float64).replace([np.inf, -np.inf], np.nan)
    return pd.DataFrame(keep), left_out
