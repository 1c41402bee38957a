"""Downloads of the code and the graph: Graphviz rendering (real and stand-in) and the page."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from models.analysis.dot_render import DotRenderError, dot_binary, render_dot
from models.analysis.sharing import analyse
from models.architectures.variants import build_model
from models.inspect import code_for_spec
from models.spec import ModelSpec
from test_app import run_app

# --- graph images --------------------------------------------------------------------------


@pytest.mark.skipif(
    dot_binary() is None and os.environ.get("CI", "").lower() != "true",
    reason="Graphviz `dot` is not installed (in CI, .ci/run installs it and this must run)",
)
def test_svg_and_png_render_with_graphviz():
    from models.analysis.graph import to_dot

    dot = to_dot(analyse(build_model(ModelSpec(variant="towers", shared_layers=1))))
    assert b"<svg" in render_dot(dot, "svg")
    assert render_dot(dot, "png").startswith(b"\x89PNG")


def _fake_dot(directory: Path) -> Path:
    """A stand-in `dot` that echoes its format flag and input, to test the plumbing."""
    fake = directory / "dot"
    fake.write_text(
        f"#!{sys.executable}\nimport sys\nsys.stdout.write(sys.argv[1] + sys.stdin.read())\n"
    )
    fake.chmod(0o755)
    return fake


def test_render_dot_runs_the_dot_program(tmp_path, monkeypatch):
    fake = _fake_dot(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path) + os.pathsep + os.environ["PATH"])
    assert render_dot("digraph {}", "svg") == b"-Tsvg" + b"digraph {}"
    fake.write_text("#!/bin/sh\necho 'syntax error' >&2\nexit 1\n")
    with pytest.raises(DotRenderError, match="syntax error"):
        render_dot("digraph {", "png")
    fake.write_text("#!/bin/sh\nsleep 5\n")
    with pytest.raises(DotRenderError, match="longer than"):
        render_dot("digraph {}", "svg", timeout=0.5)


def test_render_dot_without_graphviz(monkeypatch):
    monkeypatch.setenv("PATH", "")
    assert dot_binary() is None
    with pytest.raises(DotRenderError, match="not installed"):
        render_dot("digraph {}", "svg")


# --- the page ------------------------------------------------------------------------------


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
    _fake_dot(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path) + os.pathsep + _path_without_dot())
    at = run_app({"variant": "hard", "k": "2"}, tab="Model")
    assert not at.exception
    labels = [b.label for b in at.download_button]
    assert labels == ["Code (.py)", "Graph (.dot)", "Graph (.svg)", "Graph (.png)"]
    assert not any("SVG/PNG need Graphviz" in c.value for c in at.caption)
