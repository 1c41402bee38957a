"""The code and graph downloads in the page (AppTest)."""

from __future__ import annotations

import os
from pathlib import Path

from models.inspect import code_for_spec
from models.spec import ModelSpec
from support.graphviz import fake_dot
from support.page import run_app


def _path_without_dot() -> str:
    parts = os.environ["PATH"].split(os.pathsep)
    return os.pathsep.join(p for p in parts if not (Path(p) / "dot").exists())


def test_page_shows_code_and_download_buttons(monkeypatch):
    monkeypatch.setenv("PATH", _path_without_dot())
    at = run_app({"variant": "towers", "k": "1"}, tab="Model")
    assert not at.exception
    expander = next(e for e in at.expander if e.label.startswith("Show code"))
    code = expander.code[0]
    assert code.language == "python" and "conv1 again: same weights" in code.value
    assert code.value.strip() == code_for_spec(ModelSpec(variant="towers", shared_layers=1)).strip()
    assert [b.label for b in at.download_button] == ["Code (.py)", "Graph (.dot)"]
    assert any("SVG/PNG need Graphviz" in c.value for c in at.caption)


def test_page_offers_svg_and_png_when_graphviz_is_there(tmp_path, monkeypatch):
    fake_dot(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path) + os.pathsep + _path_without_dot())
    at = run_app({"variant": "hard", "k": "2"}, tab="Model")
    assert not at.exception
    labels = [b.label for b in at.download_button]
    assert labels == ["Code (.py)", "Graph (.dot)", "Graph (.svg)", "Graph (.png)"]
    assert not any("SVG/PNG need Graphviz" in c.value for c in at.caption)
