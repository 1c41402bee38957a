"""The "Your model" tab through AppTest: upload, analysis in a process of its own, errors in the
page."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from models.uploads.examples import model_file_bytes, siamese
from support.hostile_files import BOMB
from support.page import run_app

# Trains in worker processes or drives many page runs: left out of the quick loop.
pytestmark = pytest.mark.slow


def _metrics(at: AppTest, label: str) -> list[str]:
    return [m.value for m in at.metric if m.label == label]


def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="upload_file").set_value((name, data, "application/octet-stream"))
    return at.run(timeout=180)  # the first upload may wait for the fork server to start


def _open_tab() -> AppTest:
    return run_app(tab="Your model")


def test_upload_shows_the_model_and_a_bad_file_only_an_error():
    at = _open_tab()
    # The figures follow what is shown: this tab shows its model's, not the sidebar's.
    assert not at.exception and _metrics(at, "Total parameters") == []
    assert at.file_uploader(key="upload_file").allowed_type == [".keras"]

    _upload(at, "siamese.keras", model_file_bytes(siamese()))
    assert not at.exception and not at.error
    assert _metrics(at, "Total parameters") == ["73"]  # the uploaded model's own figures
    # One output: the figures say what tying saves, not what "sharing across tasks" saves.
    assert _metrics(at, "Tied parameters") == ["68"] and _metrics(at, "Saved by sharing") == []
    assert _metrics(at, "Saved by tying") == ["68"]
    said = " ".join(c.value for c in at.caption)
    assert "no tasks to share layers across" in said and "encoder/pool is called more" in said
    assert _metrics(at, "Layer calls") == ["8"]  # 3 tied layers x 2 calls + difference + same
    tables = [df.value for df in at.dataframe if "Layer" in df.value.columns]
    layer_table = tables[0]  # the Model tab is closed: only the upload's tables are drawn
    tied = layer_table[layer_table["Calls"] == 2]["Layer"].tolist()
    assert tied == ["encoder/conv1", "encoder/pool", "encoder/project/dense"]
    roles = dict(zip(layer_table["Layer"], layer_table["Role"], strict=True))
    assert roles["encoder/pool"] == "called ×2 (no weights to tie)"
    assert roles["encoder/conv1"] == "tied ×2 calls"

    _upload(at, "broken.keras", b"PK\x03\x04 not really a zip")
    assert not at.exception
    assert [e.value for e in at.error] == [
        "This is not a `.keras` file: a `.keras` file is a zip archive written by "
        "`model.save('model.keras')`."
    ]
    assert _metrics(at, "Total parameters") == []  # no figures of a model that is not shown
    assert [t.label for t in at.tabs][-1] == "Your model"
    at.session_state["tab"] = "Model"
    assert _metrics(at.run(), "Total parameters") == ["52,012"]  # the rest of the page works


def test_example_button_analyses_the_shared_tower_model():
    at = _open_tab()
    next(b for b in at.button if b.label == "Try an example").click().run(timeout=180)
    assert not at.exception and not at.error
    assert _metrics(at, "Total parameters") == ["128,740"]
    assert any(b.label == "Download the example file" for b in at.get("download_button"))


def test_a_file_declaring_gigabytes_of_weights_is_refused_with_the_limit():
    at = _open_tab()
    _upload(at, "bomb.keras", BOMB)
    assert not at.exception
    assert [e.value for e in at.error] == [
        "This model declares 900,030,000 parameters (3,433 MB of weights), 900,030,000 of them "
        "in layer `big` (Dense); the limit is 200 MB of weights (about 52,428,800 parameters)."
    ]
    assert _metrics(at, "Total parameters") == []
    _upload(at, "siamese.keras", model_file_bytes(siamese()))  # the next file is analysed
    assert not at.error and _metrics(at, "Total parameters") == ["73"]
