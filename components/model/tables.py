"""Per-layer and per-call tables, shared layers highlighted in their graph colour."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.shell.navigation import folded
from components.shell.state import training_settings
from models.analysis.palette import PLAIN_FILL, layer_colours, on_dark, text_colour
from models.analysis.records import Analysis
from models.analysis.tables import call_table, layer_table, totals_table
from models.costs.sharing_costs import cost_rows


def dark_theme() -> bool:
    """Whether the page is drawn in Streamlit's dark theme (as the browser reports it)."""
    return getattr(st.context.theme, "type", None) == "dark"


def row_styler(fills: dict[str, str], column: str, dark: bool | None = None):
    """A row styler: rows whose `column` value has a fill get that fill and a readable text;
    on a dark page (`dark`, by default the page's theme) the fill is blended into the dark
    background (`on_dark`), not a bright band."""
    dark = dark_theme() if dark is None else dark

    def style(row: pd.Series) -> list[str]:
        fill = fills.get(row[column], PLAIN_FILL)
        if fill == PLAIN_FILL:
            return [""] * len(row)
        shown = on_dark(fill) if dark else fill
        return [f"background-color: {shown}; color: {text_colour(shown)}"] * len(row)

    return style


def _grid(styled, key: str | None = None) -> None:
    """A wide table in a grid: one line per row, scrolled sideways where the page is narrow."""
    st.dataframe(styled, hide_index=True, width="stretch", key=key)


def render_tables(analysis: Analysis, key: str = "layer_table") -> None:
    """The layer table, then every call, the costs and the totals' derivation in folds drawn
    once opened."""
    fills = layer_colours(analysis)
    layers = layer_table(analysis)
    styled = layers.style.apply(row_styler(fills, "Layer"), axis=1).format({"Parameters": "{:,}"})
    _grid(styled, key)
    calls = call_table(analysis)
    fold = folded(f"Every call ({len(calls)}) — shapes at each call", f"{key}_calls_open")
    if fold is not None:
        with fold:
            _grid(calls.style.apply(row_styler(fills, "Layer object"), axis=1))
    cost = analysis.extra.get("cost")  # absent for an uploaded model (no call plan)
    if cost is not None:
        _render_costs(cost, fills, key)
    fold = folded("Where the totals come from", f"{key}_totals_open")
    if fold is not None:
        with fold:
            _grid(totals_table(analysis).style.format({"Parameters": "{:,}"}))


def _render_costs(cost, fills: dict, key: str) -> None:
    """Beyond parameters: what each layer object computes and keeps (the sentences on what
    sharing saves of it close the model's explanation)."""
    fold = folded(
        "Beyond parameters: compute, activations and optimizer state per layer",
        f"{key}_costs_open",
    )
    if fold is None:
        return
    batch = training_settings()[1].batch_size
    with fold:
        frame = pd.DataFrame(cost_rows(cost, batch))
        kb = [c for c in frame.columns if c.endswith("KB") or "KB (" in c]
        counts = [c for c in frame.columns if c not in kb and c != "Layer"]
        styled = frame.style.apply(row_styler(fills, "Layer"), axis=1).format(
            {**dict.fromkeys(counts, "{:,}"), **dict.fromkeys(kb, "{:,.1f}")}
        )
        _grid(styled, "cost_table")
        st.caption(
            "Per window (one sample): a layer called several times computes and keeps an "
            "output at every call, whatever it shares. Activations at the sidebar's batch "
            "size; Adam keeps two values per weight. Checked against TensorFlow's profiler "
            "within 2 % for the question's two models."
        )
