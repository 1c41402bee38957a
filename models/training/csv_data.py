"""A person's own CSV time series -> a checked numeric table -> train/validation windows.

Every problem a file can have becomes an `UploadError` whose message says what is wrong and
what to do; nothing here raises anything else for bad input. Pure pandas/numpy.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from models.spec import MAX_FEATURES, SpecError
from models.training.toy_data import Dataset, cut_windows

MAX_UPLOAD_MB = 5
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 64  # in the file; at most MAX_FEATURES of them are used at once
MAX_WINDOWS = 5_000  # per set: more windows than this are thinned evenly
MAX_VALUES = 4_000_000  # per set's inputs (16 MB of float32): long windows mean fewer of them
MIN_ROWS = 3
TIME_NAMES = ("time", "date", "datetime", "timestamp", "ds", "period")
LIMITS_TEXT = (
    f"CSV text, up to {MAX_UPLOAD_MB} MB, {MAX_ROWS:,} rows and {MAX_COLUMNS} columns; "
    f"one numeric column per series (use up to {MAX_FEATURES}), an optional time column."
)


class UploadError(ValueError):
    """A file or choice that cannot be used; the message is meant for the page."""


@dataclass(frozen=True, eq=False)
class Table:
    """A parsed series: numeric columns in time order, with what was set aside and why."""

    values: pd.DataFrame  # float64, one column per series, rows in time order
    time_column: str | None
    ignored: tuple[str, ...]  # non-numeric columns left out

    @property
    def nan_counts(self) -> dict[str, int]:
        """Missing values per column (only columns that have some)."""
        counts = self.values.isna().sum()
        return {str(c): int(n) for c, n in counts.items() if n}


def read_csv(data: bytes) -> Table:
    """Parse uploaded bytes into a `Table`, or raise `UploadError` saying what is wrong."""
    text = _decode(data)
    frame = _parse(text)
    time_column, times = _time_column(frame)
    if time_column is not None:
        if times is None:
            times = pd.to_datetime(frame[time_column], errors="coerce", format="mixed")
        if times.isna().any():
            times = pd.to_numeric(frame[time_column], errors="coerce")
        frame = frame.assign(_order=times).sort_values("_order", kind="stable")
        frame = frame.drop(columns=["_order", time_column]).reset_index(drop=True)
    numeric, ignored = _numeric_columns(frame)
    if numeric.empty or numeric.shape[1] == 0:
        raise UploadError(
            "No numeric column found: each series needs a column of numbers "
            f"(non-numeric: {', '.join(ignored) or 'none'})."
        )
    if numeric.notna().any(axis=1).sum() < MIN_ROWS:
        raise UploadError(
            f"The file has fewer than {MIN_ROWS} rows of numbers: nothing to forecast."
        )
    return Table(numeric, time_column, tuple(ignored))


def _decode(data: bytes) -> str:
    if not data:
        raise UploadError("The file is empty.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is {MAX_UPLOAD_MB} MB. "
            "Keep fewer rows or columns."
        )
    if b"\x00" in data[:8192]:
        raise UploadError("This is not a CSV text file (it contains binary data).")
    for encoding in ("utf-8-sig", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UploadError("The file's text encoding could not be read; save it as UTF-8.")


def _parse(text: str) -> pd.DataFrame:
    if not text.strip():
        raise UploadError("The file is empty.")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
        separator = dialect.delimiter
    except csv.Error:
        separator = ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=separator, nrows=MAX_ROWS + 1)
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
            f"{MIN_ROWS} (and enough for one window of time steps + horizon)."
        )
    frame.columns = [str(c).strip() or f"column{i + 1}" for i, c in enumerate(frame.columns)]
    return frame


def _time_column(frame: pd.DataFrame) -> tuple[str | None, pd.Series | None]:
    """A column named like a time, or a first column of dates (with its parsed dates, so they
    are not parsed twice: mixed-format parsing is slow on long files)."""
    for name in frame.columns:
        if name.lower() in TIME_NAMES:
            return name, None
    first = frame.columns[0]
    if frame[first].dtype == object:
        parsed = pd.to_datetime(frame[first], errors="coerce", format="mixed")
        if parsed.notna().mean() > 0.9:
            return first, parsed
    return None, None


def _numeric_columns(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Columns that are (almost) all numbers; others are named, not silently coerced."""
    keep, ignored = {}, []
    for name in frame.columns:
        numbers = pd.to_numeric(frame[name], errors="coerce")
        present = frame[name].notna()
        if present.sum() and numbers[present].notna().mean() >= 0.99:
            keep[name] = numbers.astype(np.float64).replace([np.inf, -np.inf], np.nan)
        else:
            ignored.append(name)
    return pd.DataFrame(keep), ignored


def clean_missing(table: Table, how: str) -> Table:
    """Drop rows with any missing value ("drop"), or interpolate over time ("fill")."""
    if how == "drop":
        values = table.values.dropna().reset_index(drop=True)
    elif how == "fill":
        values = table.values.interpolate(limit_direction="both")
    else:
        raise UploadError(f"Unknown way to handle missing values: {how!r}.")
    return Table(values, table.time_column, table.ignored)


def min_rows(timesteps: int, horizon: int) -> int:
    """Rows needed for one training and one validation window."""
    return 2 * (timesteps + horizon)


def make_windows(
    table: Table, columns: list[str], timesteps: int, horizon: int, val_fraction: float = 0.2
) -> Dataset:
    """Windows (every step) split over time: training from the start, validation from the end.

    No training window reaches into the validation stretch, so nothing the model is scored on
    was seen in training. Each series is standardised with the training stretch's statistics.
    """
    if not columns:
        raise UploadError("Pick at least one column to forecast.")
    if len(columns) > MAX_FEATURES:
        raise UploadError(f"Pick at most {MAX_FEATURES} columns; {len(columns)} are picked.")
    missing = [c for c in columns if c not in table.values.columns]
    if missing:
        raise UploadError(f"No column named {', '.join(missing)} in this file.")
    values = table.values[columns]
    if values.isna().any().any():
        raise UploadError("The picked columns have missing values: drop or fill them first.")
    series = values.to_numpy(np.float64)
    window = timesteps + horizon
    if len(series) < min_rows(timesteps, horizon):
        raise UploadError(
            f"{len(series)} rows are too few for {timesteps} time steps in and {horizon} out: "
            f"one training and one validation window need {min_rows(timesteps, horizon)} rows. "
            "Lower the time steps or the horizon, or upload a longer series."
        )
    split = int(round(len(series) * (1.0 - val_fraction)))
    split = min(max(split, window), len(series) - window)  # each side holds a full window
    train, val = series[:split], series[split:]
    mean = train.mean(axis=0)
    std = train.std(axis=0)
    std = np.where(std > 1e-12, std, 1.0)  # a constant series stays constant, not NaN
    cap = max(1, min(MAX_WINDOWS, MAX_VALUES // (timesteps * len(columns))))
    x_train, y_train = _sliding(((train - mean) / std), timesteps, horizon, cap)
    x_val, y_val = _sliding(((val - mean) / std), timesteps, horizon, cap)
    arrays = (x_train, y_train, x_val, y_val, mean, std)
    return Dataset(*(np.ascontiguousarray(a, dtype=np.float32) for a in arrays))


def _sliding(
    series: np.ndarray, timesteps: int, horizon: int, cap: int
) -> tuple[np.ndarray, np.ndarray]:
    """Every window, one step apart (thinned evenly past `cap`): x (N,T,F), y (N,F,H)."""
    n = len(series) - (timesteps + horizon) + 1
    starts = slice(None) if n <= cap else np.linspace(0, n - 1, cap).round().astype(int)
    return cut_windows(series, timesteps, horizon, starts)


@dataclass(frozen=True)
class OwnData:
    """A person's windowed series as a training data source; equal when its content is equal."""

    name: str
    digest: str  # of the file's bytes
    columns: tuple[str, ...]
    missing: str  # "none", "drop" or "fill"
    timesteps: int
    horizon: int
    dataset: Dataset = field(compare=False, repr=False)

    def materialise(self, n_features: int, timesteps: int, horizon: int) -> Dataset:
        """The windows, if they fit a model of this shape."""
        if (n_features, timesteps, horizon) != (len(self.columns), self.timesteps, self.horizon):
            raise SpecError(
                f"{self.name} was windowed for {len(self.columns)} features, "
                f"{self.timesteps} steps in and {self.horizon} out; the model needs "
                f"{n_features}, {timesteps} and {horizon}."
            )
        return self.dataset

    def describe(self) -> str:
        """One line for the page: which file and columns a run used."""
        d = self.dataset
        return (
            f"{self.name} ({', '.join(self.columns)}), {len(d.x_train):,} training and "
            f"{len(d.x_val):,} validation windows"
        )
