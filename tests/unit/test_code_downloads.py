"""Downloads of the code and the graph: Graphviz rendering (real and stand-in) and the page."""

from __future__ import annotations

import os

import pytest

from models.analysis.dot_render import DotRenderError, dot_binary, render_dot
from models.analysis.sharing import analyse
from models.architectures.variants import build_model
from models.spec import ModelSpec
from support.graphviz import fake_dot

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


def test_render_dot_runs_the_dot_program(tmp_path, monkeypatch):
    fake = fake_dot(tmp_path)
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
