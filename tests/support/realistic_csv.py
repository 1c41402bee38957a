"""Hypothesis strategy for CSV files as people's files are: time given in one of many forms,
separators and decimal marks of several locales, quoted numbers with thousands separators,
gaps written every which way, constant and text columns, byte-order marks, rows out of order.

Each example is a `RealisticCsv`: the bytes, and what a reader should make of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

GAPS = ("", "NA", "n/a", "NaN", "null", ".", "-", "?")
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
# How time is written: (name, the time columns' names for that form).
TIME_FORMS = {
    "iso": ("date",),
    "yyyymmdd": ("date",),
    "period": ("period",),
    "month_name": ("Date",),
    "year_quarter": ("year", "quarter"),
    "year": ("YEAR",),
    "year_month": ("year", "month"),
    "obs": ("obs",),
    "none": (),
}
SERIES_NAMES = ("realgdp", "unemp", "Sales (EUR)", "co2", "temp_c", "flow")


@dataclass(frozen=True)
class RealisticCsv:
    data: bytes
    rows: int
    series: tuple[str, ...]  # columns that must be offered as series
    time_columns: tuple[str, ...]  # must never be offered as series
    left_out: tuple[str, ...]  # must be listed as left out (constant or text)
    gaps: int  # cells written as a gap in the series columns
    first_series: tuple[float, ...]  # the first series in time order, NaN where a gap is
    describe: str  # for a failing example's report


def _time_cells(form: str, rows: int) -> list[list[str]]:
    """One row of time cells per data row, in time order."""
    cells = []
    for i in range(rows):
        year, quarter, month, day = 1960 + i // 12, i % 4 + 1, i % 12 + 1, i % 28 + 1
        by_form = {
            "iso": [f"{1990 + i // 336}-{i // 28 % 12 + 1:02d}-{day:02d}"],
            "yyyymmdd": [f"{1990 + i // 336}{i // 28 % 12 + 1:02d}{day:02d}"],
            "period": [f"{1950 + i // 4}Q{quarter}"],
            "month_name": [f"{MONTHS[month - 1]}-1-{year}"],
            "year_quarter": [str(1950 + i // 4), str(quarter)],
            "year": [str(1700 + i)],
            "year_month": [str(year), str(month)],
            "obs": [str(i + 1)],
            "none": [],
        }
        cells.append(by_form[form])
    return cells


def _number(value: float, decimal: str, thousands: bool) -> str:
    # Two decimals: in a one-column file "1,013" could be a thousand (the reader says so).
    text = f"{value:,.2f}" if thousands else f"{value:.2f}"
    if decimal == ",":  # 1,234.5 -> 1.234,5
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return f'"{text}"' if thousands else text  # "1,234.5" and "1.234,5" are quoted


@st.composite
def realistic_csvs(draw, min_rows: int = 3, max_rows: int = 150) -> RealisticCsv:
    rows = draw(st.integers(min_rows, max_rows))
    form = draw(st.sampled_from(sorted(TIME_FORMS)))
    n_series = draw(st.integers(1, 4))
    names = list(draw(st.permutations(SERIES_NAMES)))[:n_series]
    decimal = draw(st.sampled_from([".", ","]))
    separator = draw(st.sampled_from([";", "\t", "|"] if decimal == "," else [",", ";", "\t", "|"]))
    thousands = draw(st.booleans())
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scale = draw(st.sampled_from([1.0, 100.0, 5000.0]))
    values = scale * (1 + np.cumsum(rng.normal(size=(rows, n_series)), axis=0) / 10)
    gap_rate = draw(st.sampled_from([0.0, 0.0, 0.05, 0.15]))
    gap_mask = rng.random((rows, n_series)) < gap_rate
    gap_mask[:3] = False  # at least 3 rows of numbers: fewer are refused (test_userdata)
    constant = draw(st.booleans())
    text = draw(st.booleans())
    header = [*TIME_FORMS[form], *names]
    header += ["status"] * constant + ["region"] * text
    time_cells = _time_cells(form, rows)
    # A row of one empty cell is a blank line, which any reader skips: it is no row at all.
    alone = len(header) == 1
    gap_tokens = tuple(g for g in GAPS if g) if alone else GAPS
    lines = []
    for i in range(rows):
        cells = list(time_cells[i])
        for j in range(n_series):
            gap = draw(st.sampled_from(gap_tokens)) if gap_mask[i, j] else None
            cells.append(gap if gap is not None else _number(values[i, j], decimal, thousands))
        cells += ["7"] * constant + [("north", "south")[i % 2]] * text
        lines.append(cells)
    order = list(range(rows))
    if form != "none" and draw(st.booleans()):
        order = list(rng.permutation(rows))  # people's exports are not always sorted
    text_lines = [separator.join(header)] + [separator.join(lines[i]) for i in order]
    bom = "\ufeff" if draw(st.booleans()) else ""
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    data = (bom + newline.join(text_lines) + newline).encode("utf-8")
    return RealisticCsv(
        data=data,
        rows=rows,
        series=tuple(names),
        time_columns=TIME_FORMS[form],
        left_out=("status",) * constant + ("region",) * text,
        gaps=int(gap_mask.sum()),
        first_series=tuple(np.where(gap_mask[:, 0], np.nan, values[:, 0].round(2))),
        describe=(
            f"{rows} rows, time {form}, sep {separator!r}, decimal {decimal!r}, "
            f"thousands {thousands}, gaps {int(gap_mask.sum())}, bom {bool(bom)}"
        ),
    )
