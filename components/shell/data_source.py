"""The data a run trains on: the seeded toy series, or a CSV the person uploads.

A bad file shows its message and changes nothing: the last good file (or the toy data) stays.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from components.shell.state import training_settings
from models.data.csv_data import OwnData, clean_missing, inputs_only, make_windows
from models.data.csv_read import LIMITS_TEXT, Table, UploadError, check_size, read_csv
from models.settings import FAMILIES, FEATURES, NOISE, RELATEDNESS, SAMPLES, Setting
from models.spec import SpecError

SOURCES = {"toy": "Toy series", "csv": "My CSV"}
MISSING = {"drop": "Drop rows with gaps", "fill": "Fill gaps (interpolate)"}


def using_csv() -> bool:
    """Whether the person chose their own file (and one is loaded)."""
    state = st.session_state
    return state.get("data_source") == "csv" and state.get("csv_table") is not None


def sync_features() -> None:
    """With a CSV, the model reads every picked column and forecasts the series picked to
    forecast (one task each); the extra input series come last. Call before drawing."""
    state = st.session_state
    if using_csv() and state.get("csv_columns"):
        extras = inputs_only(state["csv_columns"], state.get("csv_extra") or [])
        state["csv_extra"] = extras
        state["features"] = len(state["csv_columns"]) + len(extras)
        state["extra"] = len(extras)


def _load_file() -> None:
    """Upload callback: parse the new file; keep the last good one if it is refused."""
    state = st.session_state
    upload = state.get("csv_upload")
    if upload is None:
        return
    try:
        check_size(upload.size)  # before its bytes are read or parsed
        data = upload.getvalue()
        table = read_csv(data)
    except UploadError as error:
        state["csv_error"] = f"{upload.name}: {error}"
        return
    columns = list(table.values.columns)
    state.update(
        csv_table=table,
        csv_name=upload.name,
        csv_digest=hashlib.sha256(data).hexdigest(),
        csv_error=None,
        csv_columns=columns[: min(4, FEATURES.high)],
        csv_extra=[],
        csv_missing="fill",
    )
    sync_features()


def _slider(setting: Setting) -> None:
    """A toy-data slider with the setting's own label, bounds and help (models.settings)."""
    st.slider(
        setting.label,
        setting.low,
        setting.high,
        key=setting.key,
        step=0.05,
        help=setting.help_text(),
    )


def _toy_settings() -> None:
    _slider(RELATEDNESS)
    st.number_input(
        FAMILIES.label, FAMILIES.low, FAMILIES.high, key=FAMILIES.key, help=FAMILIES.help
    )
    _slider(NOISE)
    val_windows = training_settings()[0].val_samples
    st.number_input(
        SAMPLES.label,
        SAMPLES.low,
        SAMPLES.high,
        key=SAMPLES.key,
        help=SAMPLES.help_text(val_windows=val_windows),
    )
    st.caption(
        "Expect the validation loss to fall with the training loss, then level off above it "
        "(the noise cannot be forecast). A validation loss that turns up while the training "
        "loss keeps falling means the model is learning these windows by heart: add windows "
        "or train fewer epochs."
    )


def _csv_settings() -> None:
    state = st.session_state
    st.file_uploader("CSV file", type=["csv", "txt", "tsv"], key="csv_upload", on_change=_load_file)
    st.caption(LIMITS_TEXT)
    if state.get("csv_error"):
        keeping = f" Still using {state['csv_name']}." if state.get("csv_table") else ""
        st.error(state["csv_error"] + keeping, icon="🚫")
    table: Table | None = state.get("csv_table")
    if table is None:
        st.info("Upload a CSV: one column per series, rows in time order.", icon="📄")
        return
    if table.time_column:
        st.caption(f"Time order from {table.time_column}.")
    if table.left_out:
        reasons = "; ".join(f"{name} ({why})" for name, why in table.left_out)
        st.caption(f"Not series, left out: {reasons}.")
    if table.nan_counts:
        gaps = ", ".join(f"{c} ({n})" for c, n in table.nan_counts.items())
        st.radio(
            "Missing values",
            list(MISSING),
            key="csv_missing",
            format_func=MISSING.get,
            help=f"Gaps found: {gaps}.",
        )
    st.multiselect(
        "Series to forecast",
        list(table.values.columns),
        key="csv_columns",
        max_selections=FEATURES.high,
        on_change=sync_features,
        help="Each picked column is an input feature and a forecasting task, as in the "
        "question. The model's feature count follows.",
    )
    targets = state.get("csv_columns") or []
    room = FEATURES.high - len(targets)
    st.multiselect(
        "Extra input series",
        [c for c in table.values.columns if c not in targets],
        key="csv_extra",
        max_selections=max(room, 1),
        disabled=room < 1 or not targets,
        on_change=sync_features,
        help="Read by the model but not forecast: e.g. forecast unemployment from GDP, "
        "consumption and investment. They add input features, not tasks.",
    )


def render_data_settings() -> None:
    """The data choice and its settings (inside the sidebar's training section)."""
    state = st.session_state
    state.setdefault("data_source", "toy")
    st.segmented_control(
        "Data", list(SOURCES), key="data_source", format_func=SOURCES.get, required=True
    )
    if st.session_state["data_source"] == "csv":
        _csv_settings()
    else:
        _toy_settings()


@st.cache_resource(max_entries=8, show_spinner="Cutting windows…")
def _windows(
    digest: str,
    columns: tuple,
    extras: tuple,
    missing: str,
    timesteps: int,
    horizon: int,
    _table: Table,
    name: str,
) -> OwnData:
    table = clean_missing(_table, missing) if _table.nan_counts else _table
    dataset = make_windows(table, list(columns), timesteps, horizon, extras)
    missing = missing if _table.nan_counts else "none"
    return OwnData(name, digest, columns, extras, missing, timesteps, horizon, dataset)


def own_data(spec) -> tuple[OwnData | None, str | None]:
    """The uploaded series windowed for `spec`, or the reason it cannot be (for the page)."""
    state = st.session_state
    columns = tuple(state.get("csv_columns") or ())
    extras = tuple(state.get("csv_extra") or ())
    try:
        data = _windows(
            state["csv_digest"],
            columns,
            extras,
            state.get("csv_missing", "fill"),
            spec.timesteps,
            spec.horizon,
            state["csv_table"],
            state["csv_name"],
        )
    except UploadError as error:
        return None, str(error)
    if (len(columns), len(extras)) != (spec.n_tasks, spec.extra_inputs):
        return None, (
            f"The model forecasts {spec.n_tasks} series from {spec.n_features} features but "
            f"{len(columns)} columns are picked to forecast and {len(extras)} as extra inputs; "
            "pick the columns again to match."
        )
    return data, None


def training_data(spec) -> tuple[object | None, str | None]:
    """The data source a run of `spec` would use (toy spec or own windows), or why none."""
    if st.session_state.get("data_source") != "csv":
        data_spec = training_settings()[0]
        try:
            return data_spec.validate(), None
        except SpecError as error:
            return None, str(error)
    if st.session_state.get("csv_table") is None:
        return None, "Upload a CSV in the sidebar (Data: My CSV), or switch back to the toy series."
    return own_data(spec)
