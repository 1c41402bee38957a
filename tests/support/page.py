"""Driving the page through Streamlit's AppTest: open it with a link and a tab, find widgets by
their label, press Train and wait for the runs to end."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")
# The first run starts the workers and the Keras lane, and may wait for the lane's first answer.
TIMEOUT = 60
TINY = {"epochs": "25", "filters": "4,8", "units": "16", "samples": "40"}  # a run of ~1 s


def run_app(query: dict[str, str] | None = None, tab: str | None = None) -> AppTest:
    """One first run of the page with `query` in the URL and, if given, `tab` open.

    Tabs draw only while open, so a test of a tab's contents opens it before the first run.
    """
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if tab is not None:
        at.session_state["tab"] = tab
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def graphs(at: AppTest) -> list[str]:
    """The page's model graphs, as the SVG the server laid out for each (in page order)."""
    return [m.value for m in at.markdown if m.value.startswith('<div class="lse-graph"')]


def train_tab(query: dict[str, str]) -> AppTest:
    return run_app(query, tab="Train")


def click(at: AppTest, label: str) -> None:
    button(at, label).click().run()


def finish(at: AppTest, seconds: float = 120.0, key: str = "train_batch") -> None:
    """Rerun the page until this session's batch under `key` (the Train tab's by default) has
    ended (the page polls the same way)."""
    deadline = time.time() + seconds
    while at.session_state[key].running:
        assert time.time() < deadline, "the run did not end"
        time.sleep(0.2)
        at.run()


def open_expanders(at: AppTest, *keys: str) -> None:
    """Open the expanders keyed `keys` (each draws its content only while open) and rerun."""
    for key in keys:
        at.session_state[key] = True
    at.run()


def chart_traces(chart) -> list[dict]:
    """The traces of a drawn Plotly chart (an AppTest element), as the browser receives them."""
    return json.loads(chart.proto.spec)["data"]


def plotly_values(values) -> np.ndarray:
    """A trace's data (x, y or z) as Plotly sends it: a list, or typed bytes ({"dtype",
    "bdata", and "shape" for more than one axis})."""
    if not isinstance(values, dict):
        return np.asarray(values, dtype=float)
    flat = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).astype(float)
    shape = [int(n) for n in str(values.get("shape", flat.size)).split(",")]
    return flat.reshape(shape)
