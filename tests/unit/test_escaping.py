"""Names with quotes, braces, backslashes or HTML reach the DOT and the legend as plain text."""

from __future__ import annotations

import pydot
import pytest

from models.analysis.dot_render import dot_binary
from models.analysis.graph import to_dot
from models.analysis.sharing import analyse
from models.analysis.svg import SvgRenderer

HOSTILE = 'a"b{c}<img src=x onerror=alert(1)>\\n;[]&'  # Keras forbids only "/"


def _hostile_model():
    import keras
    from keras import layers

    series = keras.Input((6, 2), name=f"in_{HOSTILE}")
    shared = layers.Dense(3, name=f"shared_{HOSTILE}")
    a = shared(series)
    b = shared(layers.Dense(2, name="pre")(series))  # the same object twice: a tied layer
    return keras.Model(series, [a, b], name=f"model_{HOSTILE}")


@pytest.mark.parametrize("view", ["layers", "calls"])
def test_hostile_names_round_trip_through_dot(view):
    dot = to_dot(analyse(_hostile_model()), view)
    (graph,) = pydot.graph_from_dot_data(dot)
    labels = []
    for node in graph.get_nodes():
        label = node.get_label()
        if label:
            # pydot returns the quoted DOT string; undo DOT's quoting the way graphviz reads it.
            labels.append(label.strip('"').replace('\\"', '"').replace("\\\\", "\\"))
    assert any(f"shared_{HOSTILE}" in text for text in labels), labels
    assert any(f"in_{HOSTILE}" in text for text in labels), labels


def test_legend_escapes_html():
    from components.model.graph import _swatch

    html_text = _swatch("#FFFFFF", f"shared_{HOSTILE}")
    assert "<img" not in html_text and "&lt;img src=x onerror=alert(1)&gt;" in html_text


@pytest.mark.skipif(dot_binary() is None, reason="Graphviz `dot` is not installed")
def test_hostile_names_are_text_in_the_graphs_svg():
    """The page puts the server's SVG into its HTML: a name is text there, never markup."""
    svg = SvgRenderer().svg(to_dot(analyse(_hostile_model()), "calls"))
    assert "<img" not in svg and "onerror=alert(1)&gt;" in svg
    assert "href" not in svg and "<script" not in svg
