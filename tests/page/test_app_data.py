"""Own CSV data in the page (AppTest): upload, pick columns, train; bad files change nothing."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.page import TINY, button, click, finish, metric, train_tab
from support.realistic_csv import realistic_csvs

# Trains in worker processes or drives many page runs: left out of the quick loop.
pytestmark = pytest.mark.slow


def _csv(rows: int = 120, columns: int = 3) -> bytes:
    t = np.arange(rows)
    frame = pd.DataFrame({f"sensor{c}": np.sin(t / (2 + c)) for c in range(columns)})
    frame.insert(0, "time", pd.date_range("2025-01-01", periods=rows, freq="h"))
    return frame.to_csv(index=False).encode()


def _use_csv(at, name: str, data: bytes):
    next(s for s in at.get("button_group") if s.label == "Data").set_value("csv").run()
    at.file_uploader[0].set_value((name, data, "text/csv")).run()
    return at


def test_uploaded_columns_become_the_models_features_and_train():
    at = _use_csv(train_tab(TINY), "sensors.csv", _csv(columns=3))
    assert not at.exception
    assert at.session_state["features"] == 3
    assert at.multiselect[0].value == ["sensor0", "sensor1", "sensor2"]
    at.multiselect[0].set_value(["sensor0", "sensor2"]).run()
    assert at.session_state["features"] == 2
    click(at, "Train")
    finish(at)
    assert not at.exception
    assert any(s.value.startswith("Finished 25 epochs") for s in at.success)
    assert any("sensors.csv (sensor0, sensor2)" in c.value for c in at.caption)


def test_extra_input_series_are_read_and_not_forecast():
    """Forecast one series from three: one task, three features, through training."""
    at = _use_csv(train_tab(TINY), "sensors.csv", _csv(columns=4))
    pick = {m.label: m for m in at.multiselect}
    pick["Series to forecast"].set_value(["sensor3"]).run()
    extra = next(m for m in at.multiselect if m.label == "Extra input series")
    assert "sensor3" not in extra.options  # a forecast series is not offered as an extra
    extra.set_value(["sensor0", "sensor1"]).run()
    assert (at.session_state["features"], at.session_state["extra"]) == (3, 2)
    assert at.query_params["extra"] == "2"
    assert metric(at, "Total parameters")
    click(at, "Train")
    finish(at)
    assert not at.exception
    assert any(s.value.startswith("Finished 25 epochs") for s in at.success)
    assert any(
        "sensors.csv (sensor3; inputs only: sensor0, sensor1)" in c.value for c in at.caption
    )
    # Picking an extra input to forecast moves it out of the extras.
    next(m for m in at.multiselect if m.label == "Series to forecast").set_value(
        ["sensor3", "sensor0"]
    ).run()
    assert next(m for m in at.multiselect if m.label == "Extra input series").value == ["sensor1"]
    assert (at.session_state["features"], at.session_state["extra"]) == (3, 1)
    assert not at.exception


def test_a_bad_file_is_refused_and_the_last_good_one_stays():
    at = _use_csv(train_tab(TINY), "good.csv", _csv(columns=2))
    assert at.session_state["features"] == 2
    at.file_uploader[0].set_value(("bad.csv", b"\x00\x01garbage", "text/csv")).run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "bad.csv" in errors and "not a CSV" in errors and "Still using good.csv" in errors
    assert at.session_state["features"] == 2
    assert metric(at, "Total parameters")  # the page still shows the model


def test_too_short_series_explains_the_rows_needed():
    at = _use_csv(train_tab(TINY), "short.csv", _csv(rows=25, columns=2))
    assert not at.exception
    messages = " ".join(e.value for e in at.error)
    assert "25 rows give 0 validation windows for time steps 10 + horizon 10" in messages
    assert next(b for b in at.button if b.label == "Train").disabled


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(str.encode),
        st.sampled_from([_csv()[:n] for n in (0, 5, 40, 400, 2000)]),
        st.lists(
            st.lists(st.sampled_from(["1", "x", "", "nan", "1e9", "-"]), min_size=1, max_size=5),
            max_size=30,
        ).map(lambda rows: "\n".join(",".join(r) for r in rows).encode()),
    )
)
def test_any_uploaded_bytes_give_a_table_or_a_message(data):
    at = _use_csv(train_tab(TINY), "upload.csv", data)
    assert not at.exception, at.exception
    state = at.session_state
    loaded = "csv_table" in state and state["csv_table"] is not None
    refused = "csv_error" in state and bool(state["csv_error"])
    assert loaded != refused  # exactly one: the table, or the message
    if refused:
        assert any(state["csv_error"] in e.value for e in at.error)


def test_compare_trains_every_configuration_on_the_uploaded_series():
    at = _use_csv(train_tab(TINY), "sensors.csv", _csv(columns=2))
    at.session_state["tab"] = "Compare"
    at.run()
    assert any("sensors.csv (sensor0, sensor1)" in c.value for c in at.caption)
    click(at, "Train all")
    deadline = time.time() + 180
    while not any("Configuration" in d.value.columns for d in at.dataframe):
        assert time.time() < deadline, "the comparison did not finish"
        time.sleep(0.5)
        at.run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Configuration" in d.value.columns)
    assert len(table) == 3 and set(table["Status"]) == {"finished"}


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(realistic_csvs(min_rows=20, max_rows=120))
def test_a_realistic_file_offers_its_series_and_trains_or_says_why_not(csv):
    at = _use_csv(train_tab({**TINY, "timesteps": "6", "horizon": "2"}), "data.csv", csv.data)
    assert not at.exception, (csv.describe, at.exception)
    picker = next(m for m in at.multiselect if m.label == "Series to forecast")
    assert list(picker.options) == list(csv.series), csv.describe  # never a time column
    if csv.gaps:
        next(r for r in at.radio if r.label == "Missing values").set_value("fill").run()
    train = button(at, "Train")
    if train.disabled:  # too short for these windows: the page says what to change
        assert at.error and "validation window" in " ".join(e.value for e in at.error)
        return
    click(at, "Train")
    finish(at)
    assert not at.exception, (csv.describe, at.exception)
    said = [s.value for s in at.success] + [e.value for e in at.error]
    assert any(s.startswith("Finished 25 epochs") for s in said) or at.error, csv.describe
