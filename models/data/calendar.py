"""Which columns of a CSV say *when* (never *what*), and the rows put in time order.

Time comes as calendar columns of whole numbers (`year` + `quarter`, `YEAR` alone, `year` +
`month` [+ `day`]), as one time column (ISO dates, `YYYYMMDD` numbers, `1974Q1` periods,
`Jan-1-1995`), or as a running index (`obs`, `t`). Such columns order the rows and label the
time axis; they are never offered as series to forecast.
"""

from __future__ import annotations

import re

import pandas as pd

CALENDAR = {  # unit -> (names it goes by, lowest and highest whole-number value)
    "year": (("year", "yr", "years"), 1000, 3000),
    "quarter": (("quarter", "qtr", "q"), 1, 4),
    "month": (("month", "mon", "mth", "mo"), 1, 12),
    "week": (("week", "wk"), 1, 53),
    "day": (("day", "dd"), 1, 31),
}
TIME_NAMES = ("time", "date", "datetime", "timestamp", "ds", "period", "dates", "quarterly")
INDEX_NAMES = ("obs", "index", "idx", "id", "t", "row", "n")
QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")
YYYYMMDD = re.compile(r"^\d{8}$")


def _whole_numbers(column: pd.Series, low: float, high: float) -> bool:
    numbers = pd.to_numeric(column, errors="coerce")
    present = numbers.dropna()
    return (
        len(present) == column.notna().sum() > 0
        and bool((present == present.round()).all())
        and bool(present.between(low, high).all())
    )


def calendar_columns(frame: pd.DataFrame) -> dict[str, str]:
    """unit -> column, for whole-number calendar columns; empty unless there is a year."""
    found = {}
    for column in frame.columns:
        key = column.strip().lower()
        for unit, (names, low, high) in CALENDAR.items():
            if key in names and unit not in found and _whole_numbers(frame[column], low, high):
                found[unit] = column
    return found if "year" in found else {}


def _calendar_labels(frame: pd.DataFrame, units: dict[str, str]) -> list[str]:
    parts = {unit: pd.to_numeric(frame[col]).astype("Int64") for unit, col in units.items()}
    labels = parts["year"].astype(str)
    if "quarter" in parts:
        labels += "Q" + parts["quarter"].astype(str)
    for unit, mark in (("month", "-"), ("week", "-W"), ("day", "-")):
        if unit in parts:
            labels += mark + parts[unit].astype(str).str.zfill(2)
    return labels.tolist()


def parse_times(column: pd.Series) -> pd.Series | None:
    """Sortable times for one time column (datetime or number), or None if it holds no times."""
    text = column.dropna().astype(str).str.strip()
    if text.empty:
        return None
    if text.str.match(QUARTER).all():
        parts = column.astype(str).str.extract(QUARTER).astype(float)
        return parts[0] * 4 + parts[1] - 1  # quarters since year 0, in order
    if text.str.match(YYYYMMDD).all():
        return pd.to_datetime(column.astype("string"), format="%Y%m%d", errors="coerce")
    if pd.api.types.is_numeric_dtype(column):
        return pd.to_numeric(column, errors="coerce")
    times = pd.to_datetime(column, errors="coerce", format="mixed")
    return times if times.notna().mean() > 0.9 else None


def _is_index(column: pd.Series) -> bool:
    """Distinct whole numbers: a running index, even when the rows were saved out of order."""
    return _whole_numbers(column, -1e12, 1e12) and bool(column.is_unique)


def _time_columns(frame: pd.DataFrame, calendar: dict[str, str]) -> list[str]:
    """Every column that says when: calendar units, time-named columns, running indices, and
    a first column of dates."""
    named = [c for c in frame.columns if c.strip().lower() in TIME_NAMES]
    index = [c for c in frame.columns if c.strip().lower() in INDEX_NAMES and _is_index(frame[c])]
    columns = list(calendar.values()) + named + index
    first = frame.columns[0]
    if not columns and frame[first].dtype == object and parse_times(frame[first]) is not None:
        columns.append(first)
    return list(dict.fromkeys(columns))


def order_by_time(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str], tuple[str, ...]]:
    """(rows in time order, the columns that said when, a label per row) for `frame`."""
    calendar = calendar_columns(frame)
    columns = _time_columns(frame, calendar)
    if not columns:
        return frame, [], ()
    if calendar:
        keys = [calendar[unit] for unit in CALENDAR if unit in calendar]
        order = frame[keys].apply(pd.to_numeric, errors="coerce")
        labels = _calendar_labels(frame, calendar)
    else:
        times = parse_times(frame[columns[0]])
        order = pd.DataFrame({"_": times if times is not None else pd.Series(range(len(frame)))})
        labels = frame[columns[0]].astype(str).str.strip().tolist()
    position = order.sort_values(list(order.columns), kind="stable", na_position="last").index
    ordered = frame.loc[position].reset_index(drop=True)
    return ordered, columns, tuple(labels[i] for i in position)
