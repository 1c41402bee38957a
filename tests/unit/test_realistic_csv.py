"""Realistic CSV files (tests/support/realistic_csv.py) through the reader and the windowing: a
table whose series are exactly the data columns in time order, or a message that says why not."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings

from models.data.csv_data import clean_missing, make_windows, window_counts
from models.data.csv_read import UploadError, read_csv
from support.realistic_csv import realistic_csvs

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(realistic_csvs())
def test_a_realistic_file_gives_its_series_in_time_order(csv):
    table = read_csv(csv.data)  # every generated file is readable: no UploadError allowed
    note = csv.describe
    assert list(table.values.columns) == list(csv.series), note
    assert not set(csv.time_columns) & set(table.values.columns), note  # time is never a series
    assert set(csv.left_out) <= set(table.ignored), note
    assert len(table.values) == csv.rows, note
    assert int(table.values.isna().sum().sum()) == csv.gaps, note
    if csv.time_columns:
        assert table.time_column and len(table.times) == csv.rows, note
    # Rows written out of order come back in time order, every number as it was written.
    first = table.values[csv.series[0]].to_numpy()
    np.testing.assert_allclose(first, csv.first_series, rtol=0, atol=1e-9, err_msg=note)


@SETTINGS
@given(realistic_csvs(min_rows=3, max_rows=80))
def test_windowing_a_realistic_file_trains_or_says_what_to_change(csv):
    table = read_csv(csv.data)
    table = clean_missing(table, "fill") if csv.gaps else table
    columns = list(table.values.columns)
    timesteps, horizon = 4, 2
    train_windows, val_windows = window_counts(len(table.values), timesteps, horizon)
    try:
        data = make_windows(table, columns, timesteps, horizon)
    except UploadError as error:
        assert str(error).strip() and val_windows < 3, (csv.describe, str(error))
        return
    assert data.x_train.shape[1:] == (timesteps, len(columns))
    assert len(data.x_val) >= 3 and np.isfinite(data.x_train).all(), csv.describe
