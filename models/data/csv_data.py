"""A person's series (a `Table` from `csv_read`) -> train and validation windows.

Every problem becomes an `UploadError` whose message says what is wrong and what to change;
nothing here raises anything else for bad input. Pure pandas/numpy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from models.data.csv_read import Table, UploadError
from models.data.toy_data import Dataset, cut_windows
from models.spec import MAX_FEATURES, ModelSpec, SpecError

MAX_WINDOWS = 5_000  # per set: more windows than this are thinned evenly
MAX_VALUES = 4_000_000  # per set's inputs (16 MB of float32): long windows mean fewer of them
VAL_FRACTION = 0.2
# Fewer validation windows than this cannot tell a model that learned from one that guessed:
# such a run is refused with a message, not trained.
MIN_VAL_WINDOWS = 3


def clean_missing(table: Table, how: str) -> Table:
    """Drop rows with any missing value ("drop"), or interpolate over time ("fill")."""
    times = table.times
    if how == "drop":
        kept = table.values.notna().all(axis=1).to_numpy()
        values = table.values[kept].reset_index(drop=True)
        times = (
            tuple(label for label, keep in zip(times, kept, strict=True) if keep) if times else ()
        )
    elif how == "fill":
        values = table.values.interpolate(limit_direction="both")
    else:
        raise UploadError(f"Unknown way to handle missing values: {how!r}.")
    return Table(values, table.time_column, table.left_out, times)


def split_row(rows: int, window: int, val_fraction: float = VAL_FRACTION) -> int:
    """Where validation starts: the last `val_fraction` of the rows, each side a full window."""
    split = int(round(rows * (1.0 - val_fraction)))
    return min(max(split, window), rows - window)


def window_counts(rows: int, timesteps: int, horizon: int) -> tuple[int, int]:
    """(training, validation) windows that `rows` give for this window size (0s if too few)."""
    window = timesteps + horizon
    if rows < 2 * window:
        return 0, 0
    split = split_row(rows, window)
    return split - window + 1, rows - split - window + 1


def largest_window(rows: int) -> int:
    """The longest time steps + horizon that still gives MIN_VAL_WINDOWS validation windows."""
    return max(
        (w for w in range(2, rows // 2 + 1) if window_counts(rows, w - 1, 1)[1] >= MIN_VAL_WINDOWS),
        default=0,
    )


def check_window_size(rows: int, timesteps: int, horizon: int) -> None:
    """`UploadError` saying what to change if `rows` give too few validation windows."""
    _, val = window_counts(rows, timesteps, horizon)
    if val >= MIN_VAL_WINDOWS:
        return
    fits = largest_window(rows)
    steps = max(1, min(timesteps, round(fits * timesteps / (timesteps + horizon))))
    change = (
        f"shorten them to at most {fits} together (e.g. time steps {steps} + horizon "
        f"{fits - steps})"
        if fits >= 2
        else "this series is too short for any window"
    )
    raise UploadError(
        f"{rows} rows give {val} validation window{'s' if val != 1 else ''} for time steps "
        f"{timesteps} + horizon {horizon}; at least {MIN_VAL_WINDOWS} are needed to tell "
        f"learning from luck: {change}, or add rows."
    )


def make_windows(
    table: Table,
    columns: list[str],
    timesteps: int,
    horizon: int,
    inputs_only: list[str] | tuple[str, ...] = (),
    val_fraction: float = VAL_FRACTION,
) -> Dataset:
    """Windows (every step) split over time: training from the start, validation from the end.

    No training window reaches into the validation stretch, so nothing the model is scored on
    was seen in training. Each series is standardised with the training stretch's statistics.
    The model reads `columns` then `inputs_only`; it forecasts `columns` alone.
    """
    if not columns:
        raise UploadError("Pick at least one column to forecast.")
    both = [c for c in inputs_only if c in columns]
    if both:
        raise UploadError(
            f"{', '.join(both)} cannot be both forecast and an extra input: pick it once."
        )
    read = [*columns, *inputs_only]
    if len(read) > MAX_FEATURES:
        raise UploadError(
            f"Pick at most {MAX_FEATURES} columns in all; {len(read)} are picked "
            f"({len(columns)} to forecast, {len(inputs_only)} extra inputs)."
        )
    missing = [c for c in read if c not in table.values.columns]
    if missing:
        raise UploadError(f"No column named {', '.join(missing)} in this file.")
    values = table.values[read]
    if values.isna().any().any():
        raise UploadError("The picked columns have missing values: drop or fill them first.")
    series = values.to_numpy(np.float64)
    check_window_size(len(series), timesteps, horizon)
    split = split_row(len(series), timesteps + horizon, val_fraction)
    train, val = series[:split], series[split:]
    mean = train.mean(axis=0)
    std = train.std(axis=0)
    std = np.where(std > 1e-12, std, 1.0)  # a constant series stays constant, not NaN
    cap = max(1, min(MAX_WINDOWS, MAX_VALUES // (timesteps * len(read))))
    x_train, y_train = _sliding(((train - mean) / std), timesteps, horizon, cap, len(columns))
    x_val, y_val = _sliding(((val - mean) / std), timesteps, horizon, cap, len(columns))
    arrays = (x_train, y_train, x_val, y_val, mean, std)
    return Dataset(*(np.ascontiguousarray(a, dtype=np.float32) for a in arrays))


def _sliding(
    series: np.ndarray, timesteps: int, horizon: int, cap: int, n_tasks: int
) -> tuple[np.ndarray, np.ndarray]:
    """Every window, one step apart (thinned evenly past `cap`): x (N,T,F), y of the first
    `n_tasks` series (N,n_tasks,H); the rest are inputs only."""
    n = len(series) - (timesteps + horizon) + 1
    starts = slice(None) if n <= cap else np.linspace(0, n - 1, cap).round().astype(int)
    return cut_windows(series, timesteps, horizon, starts, n_tasks)


@dataclass(frozen=True)
class OwnData:
    """A person's windowed series as a training data source; equal when its content is equal."""

    name: str
    digest: str  # of the file's bytes
    columns: tuple[str, ...]  # forecast (tasks), and read as the first inputs
    inputs_only: tuple[str, ...]  # read as the later inputs, never forecast
    missing: str  # "none", "drop" or "fill"
    timesteps: int
    horizon: int
    dataset: Dataset = field(compare=False, repr=False)

    def materialise(self, spec: ModelSpec) -> Dataset:
        """The windows, if they fit `spec`'s shape."""
        features = len(self.columns) + len(self.inputs_only)
        mine = (features, len(self.inputs_only), self.timesteps, self.horizon)
        if (spec.n_features, spec.extra_inputs, spec.timesteps, spec.horizon) != mine:
            raise SpecError(
                f"{self.name} was windowed for {features} features ({len(self.inputs_only)} "
                f"inputs only), {self.timesteps} steps in and {self.horizon} out; the model "
                f"needs {spec.n_features} ({spec.extra_inputs}), {spec.timesteps} and "
                f"{spec.horizon}."
            )
        return self.dataset

    def describe(self) -> str:
        """One line for the page: which file and columns a run used."""
        d = self.dataset
        extras = f"; inputs only: {', '.join(self.inputs_only)}" if self.inputs_only else ""
        return (
            f"{self.name} ({', '.join(self.columns)}{extras}), {len(d.x_train):,} training and "
            f"{len(d.x_val):,} validation windows"
        )


def series_names(source, n_features: int) -> tuple[str, ...]:
    """What the page calls each input series: a CSV's column names (forecast ones first), or
    "feature 1", "feature 2", ... for the toy series."""
    if isinstance(source, OwnData):
        return (*source.columns, *source.inputs_only)[:n_features]
    return tuple(f"feature {f + 1}" for f in range(n_features))


def inputs_only(targets: list[str], extras: list[str]) -> list[str]:
    """The columns read as inputs only, given those picked to forecast (`targets`) and those
    picked as extra inputs: an extra also picked to forecast is forecast, and the model reads
    at most MAX_FEATURES series (the forecast ones first)."""
    kept = [column for column in extras if column not in targets]
    return kept[: max(0, MAX_FEATURES - len(targets))]


def task_names(source, n_tasks: int) -> tuple[str, ...]:
    """What the page calls each task: the forecast column's name, or () for the toy series
    (the charts then say "task 1", "task 2", ...)."""
    return tuple(source.columns[:n_tasks]) if isinstance(source, OwnData) else ()
