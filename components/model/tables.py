"""Per-layer and per-call tables, shared layers highlighted in their graph colour."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from models.analysis.palette import PLAIN_FILL, layer_colours, text_colour
from models.analysis.records import Analysis
from models.analysis.tables import call_table, layer_table, totals_table


def row_styler(fills: dict[str, str], column: str):
    """A row styler: rows whose `column` value has a fill get that fill and a readable text."""

    def style(row: pd.Series) -> list[str]:
        fill = fills.get(row[column], PLAIN_FILL)
        if fill == PLAIN_FILL:
            return [""] * len(row)
        return [f"background-color: {fill}; color: {text_colour(fill)}"] * len(row)

    return style


def render_tables(analysis: Analysis, key: str = "layer_table") -> None:
    """The layer table, then every call and the totals' derivation on demand."""
    fills = layer_colours(analysis)
    layers = layer_table(analysis)
    st.dataframe(
        layers.style.apply(row_styler(fills, "Layer"), axis=1).format({"Parameters": "{:,}"}),
        hide_index=True,
        width="stretch",
        key=key,
    )
    calls = call_table(analysis)
    with st.expander(f"Every call ({len(calls)}) — shapes at each call"):
        st.dataframe(
            calls.style.apply(row_styler(fills, "Layer object"), axis=1),
            hide_index=True,
            width="stretch",
        )
    with st.expander("Where the totals come from"):
        st.dataframe(
            totals_table(analysis).style.format({"Parameters": "{:,}"}),
            hide_index=True,
            width="stretch",
        )
