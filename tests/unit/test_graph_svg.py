"""The model's graph laid out on the server (`models.analysis.svg`): Graphviz's own SVG, one
element on one line, kept within its bound, the same from many threads at once."""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from models.analysis import svg as svg_module
from models.analysis.dot_render import DotRenderError, dot_binary
from models.analysis.graph import to_dot
from models.analysis.svg import SvgRenderer, element
from models.inspect import explained_analysis
from models.spec import ModelSpec
from support.graphviz import fake_dot

MODEL_2 = ModelSpec(variant="towers", shared_layers=1)
needs_graphviz = pytest.mark.skipif(
    dot_binary() is None and os.environ.get("CI", "").lower() != "true",
    reason="Graphviz `dot` is not installed (in CI, .ci/run installs it and this must run)",
)


def _dot(spec: ModelSpec = MODEL_2, view: str = "calls", layout: str = "TB") -> str:
    return to_dot(explained_analysis(spec), view, layout)


@needs_graphviz
def test_the_graph_is_one_svg_element_with_a_node_per_call():
    renderer = SvgRenderer()
    svg = renderer.svg(_dot())
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "\n" not in svg and "<!--" not in svg and "<?xml" not in svg
    # model 2, one node per call: conv1 four times (one per feature), each with its title
    titles = re.findall(r"<text[^>]*>conv1 · Conv1D · call (\d)/4</text>", svg)
    assert sorted(titles) == ["1", "2", "3", "4"]
    assert 'fill="#e69f00"' in svg  # the tied layer's colour, as the legend says


@needs_graphviz
def test_a_graph_drawn_once_is_kept_and_the_kept_ones_stay_within_their_bound():
    renderer = SvgRenderer()
    dots = [_dot(ModelSpec(shared_layers=k)) for k in range(4)]
    first = renderer.svg(dots[0])
    assert renderer.svg(dots[0]) is first  # kept: not laid out again
    svgs = [renderer.svg(dot) for dot in dots]
    small = SvgRenderer(kept_bytes=len(svgs[2]) + len(svgs[3]))
    for dot in dots:
        small.svg(dot)
    assert small._kept.values() == svgs[2:]  # the two latest, within the bound
    assert small._kept._bytes == small.kept_bytes


@needs_graphviz
def test_many_visitors_at_once_get_what_one_gets_alone():
    dots = [_dot(ModelSpec(shared_layers=k), layout=lay) for k in range(3) for lay in ("TB", "LR")]
    alone = [SvgRenderer().svg(dot) for dot in dots]
    shared = SvgRenderer(kept_bytes=0)  # nothing kept: every call lays its graph out
    with ThreadPoolExecutor(max_workers=6) as pool:
        together = list(pool.map(shared.svg, dots * 4))
    assert together == alone * 4


@needs_graphviz
def test_a_graph_graphviz_cannot_read_is_an_error_the_page_can_show():
    with pytest.raises(DotRenderError, match="Graphviz failed"):
        SvgRenderer().svg("digraph { a -> ")


def test_without_graphviz_the_browser_draws_it_and_the_dot_program_is_what_draws_it(
    tmp_path, monkeypatch
):
    renderer = SvgRenderer()
    monkeypatch.setattr(svg_module, "dot_binary", lambda: None)
    assert renderer.svg(_dot()) is None
    fake_dot(tmp_path)  # echoes "-Tsvg" and its input: stands for the program
    monkeypatch.setattr(svg_module, "dot_binary", lambda: str(tmp_path / "dot"))
    monkeypatch.setenv("PATH", str(tmp_path) + os.pathsep + os.environ["PATH"])
    assert renderer.svg("digraph { a -> b } <svg>drawn</svg>") == "<svg>drawn</svg>"


def test_the_element_drops_the_prolog_and_comments_and_keeps_one_line():
    document = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg>\n<!-- Generated -->\n<svg width="1pt">\n'
        '<!-- a -->\n<g><a xlink:href="javascript:x" xlink:title="t"><text>a_b *c*</text></a>'
        "</g>\n</svg>\n"
    )
    assert element(document) == (
        '<svg width="1pt">  <g><a xlink:title="t"><text>a_b *c*</text></a></g> </svg>'
    )
    with pytest.raises(DotRenderError):
        element("no picture")
