"""The data a run trains on: the seeded toy series, or a CSV the person uploads.

A bad file shows its message and changes nothing: the last good file (or the toy data) stays.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from components.shell.session import Session, session
from components.shell.state import training_settings
from models.data.csv_data import OwnData, clean_missing, inputs_only, make_windows
from models.data.csv_read import LIMITS_TEXT, Table, UploadError, check_size, read_csv
from models.settings import EXTRA_INPUTS, FAMILIES, FEATURES, NOISE, RELATEDNESS, SAMPLES, Setting
from models.spec import SpecError

SOURCES = {"toy": "Toy series", "csv": "My CSV"}
MISSING = {"drop": "Drop rows with gaps", "fill": "Fill gaps (interpolate)"}


def using_csv() -> bool:
    """Whether the person chose their own file (and one is loaded)."""
    return session.data_source == "csv" and session.csv_table is not None


def sync_features() -> None:
    """With a CSV, the model reads every picked column and forecasts the series picked to
    forecast (one task each); the extra input series come last. Call before drawing."""
    if using_csv() and session.csv_columns:
        extras = inputs_only(session.csv_columns, session.csv_extra or [])
        session.csv_extra = extras
        st.session_state[FEATURES.key] = len(session.csv_columns) + len(extras)
        st.session_state[EXTRA_INPUTS.key] = len(extras)


def _load_file() -> None:
    """Upload callback: parse the new file; keep the last good one if it is refused."""
    upload = session.csv_upload
    if upload is None:
        return
    try:
        check_size(upload.size)  # before its bytes are read or parsed
        data = upload.getvalue()
        table = read_csv(data)
    except UploadError as error:
        session.csv_error = f"{upload.name}: {error}"
        return
    columns = list(table.values.columns)
    session.csv_table, session.csv_name = table, upload.name
    session.csv_digest, session.csv_error = hashlib.sha256(data).hexdigest(), ""
    session.csv_columns, session.csv_extra = columns[: min(4, FEATURES.high)], []
    session.csv_missing = "fill"
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
    st.file_uploader(
        "CSV file", type=["csv", "txt", "tsv"], key=Session.csv_upload.key, on_change=_load_file
    )
    st.caption(LIMITS_TEXT)
    if session.csv_error:
        keeping = f" Still using {session.csv_name}." if session.csv_table else ""
        st.error(session.csv_error + keeping, icon="🚫")
    table: Table | None = session.csv_table
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
            key=Session.csv_missing.key,
            format_func=MISSING.get,
            help=f"Gaps found: {gaps}.",
        )
    st.multiselect(
        "Series to forecast",
        list(table.values.columns),
        key=Session.csv_columns.key,
        max_selections=FEATURES.high,
        on_change=sync_features,
        help="Each picked column is an input feature and a forecasting task, as in the "
        "question. The model's feature count follows.",
    )
    targets = session.csv_columns or []
    room = FEATURES.high - len(targets)
    st.multiselect(
        "Extra input series",
        [c for c in table.values.columns if c not in targets],
        key=Session.csv_extra.key,
        max_selections=max(room, 1),
        disabled=room < 1 or not targets,
        on_change=sync_features,
        help="Read by the model but not forecast: e.g. forecast unemployment from GDP, "
        "consumption and investment. They add input features, not tasks.",
    )


def render_data_settings() -> None:
    """The data choice and its settings (inside the sidebar's training section)."""
    Session.data_source.ensure()
    st.segmented_control(
        "Data", list(SOURCES), key=Session.data_source.key, format_func=SOURCES.get, required=True
    )
    if session.data_source == "csv":
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
    columns = tuple(session.csv_columns or ())
    extras = tuple(session.csv_extra or ())
    try:
        data = _windows(
            session.csv_digest,
            columns,
            extras,
            session.csv_missing,
            spec.timesteps,
            spec.horizon,
            session.csv_table,
            session.csv_name,
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
    if session.data_source != "csv":
        data_spec = training_settings()[0]
        try:
            return data_spec.validate(), None
        except SpecError as error:
            return None, str(error)
    if session.csv_table is None:
        return None, "Upload a CSV in the sidebar (Data: My CSV), or switch back to the toy series."
    return own_data(spec)
