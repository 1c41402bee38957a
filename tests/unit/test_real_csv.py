"""CSV files nobody here wrote: public data sets that statsmodels ships, read as a person would
upload them, and the same data rewritten the ways spreadsheets write numbers."""

from __future__ import annotations

import os
import re

import numpy as np
import pytest

from models.data.csv_data import check_window_size, make_windows
from models.data.csv_read import UploadError, read_csv

statsmodels = pytest.importorskip("statsmodels")
DATASETS = os.path.join(os.path.dirname(statsmodels.__file__), "datasets")


def shipped(path: str) -> bytes:
    with open(os.path.join(DATASETS, path), "rb") as source:
        return source.read()


@pytest.mark.parametrize(
    ("path", "time", "first", "series"),
    [
        ("danish_data/data.csv", "period", "1974Q1", ["lrm", "lry", "lpy", "ibo", "ide"]),
        ("macrodata/macrodata.csv", "year + quarter", "1959Q1", ["realgdp", "realcons"]),
        ("interest_inflation/E6.csv", "year + quarter", "1972Q2", ["Dp", "R"]),
        ("sunspots/sunspots.csv", "YEAR", "1700", ["SUNACTIVITY"]),
        ("nile/nile.csv", "year", "1871", ["volume"]),
        ("co2/co2.csv", "date", "19580329", ["co2"]),
        ("elec_equip/elec_equip.csv", "DATE", "Jan-1-1995", ["STS.M.I7.W.TOVT.NS0016.4.000"]),
        ("copper/copper.csv", "YEAR + TIME", "1951", ["WORLDCONSUMPTION", "COPPERPRICE"]),
        ("longley/longley.csv", "YEAR + Obs", "1947", ["TOTEMP", "GNPDEFL"]),
    ],
)
def test_time_columns_order_the_rows_and_are_never_offered_as_series(path, time, first, series):
    table = read_csv(shipped(path))
    assert table.time_column == time and table.times[0] == first
    offered = list(table.values.columns)
    assert offered[: len(series)] == series
    calendar = {"year", "quarter", "month", "time", "obs", "date", "period"}
    assert not calendar & {c.lower() for c in offered}
    assert len(table.times) == len(table.values)


def test_the_quarterly_macro_file_with_a_byte_order_mark_is_refused_then_fits():
    """55 rows (1974Q1-1987Q3): too few for 10 steps in + 10 out, with advice that works."""
    table = read_csv(shipped("danish_data/data.csv"))
    assert shipped("danish_data/data.csv").startswith(b"\xef\xbb\xbf")
    with pytest.raises(UploadError, match="55 rows give 1 validation window") as refused:
        make_windows(table, ["lrm", "lry"], 10, 10)
    advice = re.search(r"e\.g\. time steps (\d+) \+ horizon (\d+)", str(refused.value))
    steps, horizon = int(advice.group(1)), int(advice.group(2))
    assert (steps, horizon) != (10, 10)
    check_window_size(len(table.values), steps, horizon)
    data = make_windows(table, ["lrm", "lry"], steps, horizon)
    assert len(data.x_val) >= 3 and np.isfinite(data.x_train).all()


def _european(text: str) -> bytes:
    """The same table as a spreadsheet in a decimal-comma locale writes it: `;` and `,`."""
    rows = [line.split(",") for line in text.strip().splitlines()]
    return "\n".join(";".join(cell.replace(".", ",") for cell in row) for row in rows).encode()


def test_decimal_commas_and_semicolons_read_as_the_same_numbers():
    original = shipped("macrodata/macrodata.csv")
    plain, european = read_csv(original), read_csv(_european(original.decode()))
    assert european.time_column == "year + quarter"
    np.testing.assert_allclose(european.values.to_numpy(), plain.values.to_numpy())


def test_quoted_thousands_and_spreadsheet_gaps():
    text = (
        'year,gdp,jobs\n2001,"1,234.5",10\n2002,"1,300.25",NA\n2003,"1,401.0",n/a\n'
        '2004,"1,500.75",.\n2005,"1,600.0",\n2006,"1,700.5",16\n'
    )
    table = read_csv(text.encode())
    assert table.values["gdp"].tolist() == [1234.5, 1300.25, 1401.0, 1500.75, 1600.0, 1700.5]
    assert table.nan_counts == {"jobs": 4}
    assert table.time_column == "year"
