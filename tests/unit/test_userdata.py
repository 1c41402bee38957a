"""Own CSV data: parsing, the clear message for every bad file, and leak-free windows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.data.csv_data import clean_missing, make_windows
from models.data.csv_read import MAX_COLUMNS, MAX_ROWS, MAX_UPLOAD_BYTES, UploadError, read_csv


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


def series(rows: int = 200, columns: int = 3) -> pd.DataFrame:
    t = np.arange(rows)
    data = {f"s{c}": np.sin(t / (3 + c)) + 0.01 * c * t for c in range(columns)}
    return pd.DataFrame({"date": pd.date_range("2024-01-01", periods=rows, freq="D"), **data})


def test_reads_numeric_columns_and_time_column():
    table = read_csv(csv_bytes(series()))
    assert table.time_column == "date"
    assert list(table.values.columns) == ["s0", "s1", "s2"]
    assert table.ignored == () and table.nan_counts == {}


def test_shuffled_rows_are_put_in_time_order():
    frame = series(50)
    table = read_csv(csv_bytes(frame.sample(frac=1.0, random_state=0)))
    np.testing.assert_allclose(table.values["s1"].to_numpy(), frame["s1"].to_numpy())


def test_semicolon_separated_file_is_understood():
    text = "a;b\n" + "\n".join(f"{i};{2 * i}" for i in range(10))
    assert list(read_csv(text.encode()).values.columns) == ["a", "b"]


@pytest.mark.parametrize("shift", range(6))
def test_quoted_thousands_in_a_semicolon_file_stay_numbers_wherever_the_sample_ends(shift):
    # The separator is guessed from the first 8,192 characters: a row cut there ("1,5" of
    # "1,500.25") once read as a decimal comma and made every column text.
    rows = "".join(f'{i};"1,{500 + i % 400}.25"\n' for i in range(1000))
    text = f"date;{'v' * (5 + shift)}\n" + rows
    table = read_csv(text.encode())
    assert table.values.iloc[:, 0].iloc[0] == 1500.25


def test_text_columns_are_named_and_left_out():
    frame = series(30).assign(city="Paris")
    table = read_csv(csv_bytes(frame))
    assert table.ignored == ("city",)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a CSV"),
        (b"a,b\n1,2\n", "data row"),
        (b"name,city\nx,y\nz,w\nq,r\n", "No column can be a series"),
        (b"a\n" + b"1\n" * (MAX_ROWS + 1), "rows"),
        (
            ",".join(f"c{i}" for i in range(MAX_COLUMNS + 1)).encode()
            + b"\n"
            + b"1," * 64
            + b"1\n",
            "columns",
        ),
        (b"a\n" + b"1\n" * (MAX_UPLOAD_BYTES // 2 + 1), "MB"),
        (b'a,b\n1,"2\n3,4\n', "could not be read"),
    ],
)
def test_bad_files_get_a_clear_message(data, message):
    with pytest.raises(UploadError, match=message):
        read_csv(data)


def test_missing_values_are_counted_then_dropped_or_filled():
    frame = series(40)
    frame.loc[[5, 6], "s0"] = np.nan
    table = read_csv(csv_bytes(frame))
    assert table.nan_counts == {"s0": 2}
    assert len(clean_missing(table, "drop").values) == 38
    filled = clean_missing(table, "fill").values
    assert len(filled) == 40 and not filled.isna().any().any()
    with pytest.raises(UploadError, match="missing"):
        make_windows(table, ["s0"], 5, 2)


def test_windows_split_over_time_without_leakage():
    rows, t, h = 200, 10, 5
    frame = pd.DataFrame({"a": np.arange(rows, dtype=float), "b": np.arange(rows) * 2.0})
    data = make_windows(read_csv(csv_bytes(frame)), ["a", "b"], t, h, val_fraction=0.25)
    assert data.x_train.shape[1:] == (t, 2) and data.y_train.shape[1:] == (2, h)
    # Undo the standardisation to get back row numbers: train targets end before val inputs.
    rows_of = lambda z: z * data.std[0] + data.mean[0]  # noqa: E731
    last_train_target = rows_of(data.y_train[:, 0, :]).max()
    first_val_input = rows_of(data.x_val[:, :, 0]).min()
    assert last_train_target < first_val_input
    assert abs(last_train_target - 149) < 1e-3 and abs(first_val_input - 150) < 1e-3
    # Standardised with the training stretch's statistics only.
    assert abs(data.mean[0] - 74.5) < 1e-4
    assert len(data.x_train) == 150 - (t + h) + 1 and len(data.x_val) == 50 - (t + h) + 1


def test_extra_input_series_are_read_but_not_forecast():
    frame = pd.DataFrame({"a": np.arange(80.0), "b": np.arange(80.0) ** 2, "c": np.sin(range(80))})
    table = read_csv(csv_bytes(frame))
    data = make_windows(table, ["c"], 6, 3, inputs_only=["a", "b"])
    assert data.x_train.shape[1:] == (6, 3) and data.y_train.shape[1:] == (1, 3)
    alone = make_windows(table, ["c", "a", "b"], 6, 3)
    assert np.array_equal(data.x_train, alone.x_train)  # targets first, extras after
    assert np.array_equal(data.y_val, alone.y_val[:, :1])
    with pytest.raises(UploadError, match="both forecast and an extra input"):
        make_windows(table, ["c", "a"], 6, 3, inputs_only=["a"])
    with pytest.raises(UploadError, match="No column named nope"):
        make_windows(table, ["c"], 6, 3, inputs_only=["nope"])


def test_at_most_max_features_columns_in_all():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({f"s{i}": rng.normal(size=60) for i in range(17)})
    table = read_csv(csv_bytes(frame))
    columns = list(table.values.columns)
    with pytest.raises(UploadError, match="at most 16 columns in all; 17 are picked"):
        make_windows(table, columns[:10], 5, 2, inputs_only=columns[10:])


def test_too_short_series_says_what_fits():
    frame = pd.DataFrame({"a": np.arange(20.0)})
    with pytest.raises(UploadError, match="20 rows give 0 validation windows for time steps 10"):
        make_windows(read_csv(csv_bytes(frame)), ["a"], 10, 5)
    frame = pd.DataFrame({"a": np.arange(55.0)})
    with pytest.raises(UploadError) as refused:
        make_windows(read_csv(csv_bytes(frame)), ["a"], 10, 10)
    assert "55 rows give 1 validation window for time steps 10 + horizon 10" in str(refused.value)
    fits = int(str(refused.value).split("at most ")[1].split()[0])
    data = make_windows(read_csv(csv_bytes(frame)), ["a"], fits - 2, 2)  # the advice works
    assert len(data.x_val) >= 3


def test_column_choice_is_checked():
    table = read_csv(csv_bytes(series(100)))
    with pytest.raises(UploadError, match="at least one"):
        make_windows(table, [], 5, 2)
    with pytest.raises(UploadError, match="No column named"):
        make_windows(table, ["nope"], 5, 2)


def test_a_constant_column_is_left_out_with_its_reason():
    frame = pd.DataFrame({"a": np.ones(60), "b": np.arange(60.0)})
    table = read_csv(csv_bytes(frame))
    assert list(table.values.columns) == ["b"]
    assert table.left_out == (("a", "constant: it cannot be standardised or forecast"),)


def test_a_series_constant_over_its_training_stretch_stays_finite():
    frame = pd.DataFrame({"a": np.r_[np.ones(50), np.arange(10.0)], "b": np.arange(60.0)})
    data = make_windows(read_csv(csv_bytes(frame)), ["a", "b"], 5, 2)
    assert np.isfinite(data.x_train).all() and np.isfinite(data.y_val).all()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # European thousands dots on every value: no plain "1,5" to give the decimal comma away
        (b"a;b\n1.234,5;2.000,25\n2.345,5;3.100,5\n3.456,5;1.000,75\n", [1234.5, 2345.5, 3456.5]),
        (b"a\n1,5\n2,25\n0,75\n", [1.5, 2.25, 0.75]),  # one column: nothing to split on ","
        (b'a\n"5.062,86"\n"4.996,81"\n"5.317,02"\n', [5062.86, 4996.81, 5317.02]),
        (b"a\n1,234\n2,345\n3,456\n", [1234.0, 2345.0, 3456.0]),  # ambiguous: read as thousands
    ],
)
def test_decimal_marks_of_one_column_and_thousands_grouped_files(data, expected):
    np.testing.assert_allclose(read_csv(data).values["a"], expected)


def test_a_running_index_saved_out_of_order_orders_the_rows_and_is_no_series():
    table = read_csv(b"obs,sales\n3,30.5\n1,10.5\n2,20.5\n4,15.0\n")
    assert list(table.values.columns) == ["sales"]
    assert table.values["sales"].tolist() == [10.5, 20.5, 30.5, 15.0]
