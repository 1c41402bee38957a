"""The model graph as DOT text, in two views, from an `Analysis` (no Keras needed).

`layers`: one node per layer object; a tied layer is one coloured node marked "×N calls".
`calls`: one node per call; calls of one layer share its colour and are joined by dashed
"same weights" edges. Graph text is escaped, so any layer name renders as plain text.
"""

from __future__ import annotations

from collections.abc import Mapping

import pydot

from models.analysis.boxes import add_boxed, box_of
from models.analysis.folding import NO_FOLDING, FoldPlan, call_plan, layer_plan
from models.analysis.palette import EDGE_COLOUR, layer_colours, text_colour
from models.analysis.records import Analysis, LayerInfo

VIEWS = ("layers", "calls")
LAYOUTS = ("TB", "LR")


def _text(value: str) -> str:
    # Backslashes start graphviz escapes (\N, \G, \l), and graphviz decodes HTML entities
    # (a name with "&amp;" showed as "&"): escape both so names stay literal.
    return str(value).replace("\\", "\\\\").replace("&", "&amp;")


def _label(title: str, shape: str, params: str, compact: bool = False) -> str:
    """Title, output shape and parameters on three lines (two when compact)."""
    lines = (
        (title, " · ".join(x for x in (shape, params) if x)) if compact else (title, shape, params)
    )
    return "\n".join(_text(line) for line in lines if line)


def _params(n: int) -> str:
    return f"{n:,} params" if n else "no weights"


def _new_graph(layout: str, compact: bool = False) -> pydot.Dot:
    graph = pydot.Dot("model", graph_type="digraph", rankdir=layout, bgcolor="transparent")
    # Compact (presenter mode): tighter spacing and low nodes, so a whole graph fits a projector
    # screen at a readable scale (model 2 per call: 1113 x 828 px -> 1030 x 518).
    nodesep, ranksep = ("0.12", "0.16") if compact else ("0.25", "0.35")
    graph.set_graph_defaults(nodesep=nodesep, ranksep=ranksep, fontname="Helvetica")
    graph.set_node_defaults(
        shape="box",
        style="rounded,filled",
        fontname="Helvetica",
        fontsize="11",
        color="#4D4D4D",
        penwidth="1",
        **({"height": "0.2", "margin": "0.05,0.02"} if compact else {}),
    )
    graph.set_edge_defaults(
        color=EDGE_COLOUR,
        arrowsize="0.6",
        fontname="Helvetica",
        fontsize="10",
        fontcolor=EDGE_COLOUR,
    )
    return graph


def _node(node_id: str, layer: LayerInfo, fill: str, label: str, is_task: bool) -> pydot.Node:
    attrs = {"label": label, "fillcolor": fill, "fontcolor": text_colour(fill)}
    if layer.is_input:
        attrs.update(shape="ellipse", style="filled")
    if is_task:
        attrs.update(penwidth="2.2")
    if layer.tied:
        attrs.update(penwidth="2.2", color="#1A1A1A")
    if layer.input_branch:
        attrs.update(style="rounded,filled,dashed")
    if layer.gates_experts:
        attrs.update(shape="invhouse", style="filled")  # a funnel: many experts in, one out
    attrs["tooltip"] = _text(f"{layer.name}: {layer.role}")
    return pydot.Node(node_id, **attrs)


def _add_edges(graph: pydot.Dot, counts: dict[tuple[str, str], int], ids: dict[str, str]) -> None:
    for (src, dst), count in counts.items():
        attrs = {"label": f"×{count}"} if count > 1 else {}
        graph.add_edge(pydot.Edge(ids[src], ids[dst], **attrs))


def _count_edge(counts: dict, plan: FoldPlan, src: str, dst: str) -> None:
    """Count one edge; one that a hidden block stands for is drawn once, not counted again."""
    if plan.repeats_edge(src, dst):
        return
    key = (plan.shown(src), plan.shown(dst))
    stands_for = src in plan.hidden or dst in plan.hidden
    counts[key] = counts.get(key, 0) + (0 if stands_for and key in counts else 1)


def _begin(analysis: Analysis, layout: str, compact: bool, planner, fills=None) -> tuple:
    """(an empty graph, each layer's fill (`fills` replace some), the folding plan:
    `planner`'s, or none)."""
    plan = planner(analysis) if planner else NO_FOLDING
    return _new_graph(layout, compact), layer_colours(analysis) | dict(fills or {}), plan


def _layer_label(analysis: Analysis, layer: LayerInfo, compact: bool) -> str:
    shapes = list(dict.fromkeys(c.output_shape for c in analysis.calls_of(layer.name)))
    calls = f" · ×{layer.n_calls} calls" if layer.tied else ""
    params = "" if layer.is_input else _params(layer.params) + calls + _frozen(layer)
    return _label(f"{layer.name} · {layer.type}", " | ".join(shapes), params, compact)


def _frozen(layer: LayerInfo) -> str:
    """Marked on the object's node, and on every call's: the flag belongs to the object."""
    return " · frozen" if layer.frozen else ""


def _edges(analysis: Analysis) -> list[tuple[str, str]]:
    """(parent layer, layer) for every call's every parent."""
    layer_of_call = {c.id: c.layer for c in analysis.calls}
    return [(layer_of_call[p], c.layer) for c in analysis.calls for p in c.parents]


def layers_dot(
    analysis: Analysis,
    layout: str = "TB",
    fold: bool = False,
    compact: bool = False,
    fills: Mapping[str, str] | None = None,
) -> str:
    """One node per layer object; edges between layer objects, with call counts."""
    graph, fills, plan = _begin(analysis, layout, compact, layer_plan if fold else None, fills)
    ids = {layer.name: f"l{i}" for i, layer in enumerate(analysis.layers)}
    tasks, nodes = analysis.output_layers, []
    for layer in analysis.layers:
        if layer.name in plan.hidden:
            continue
        label = _layer_label(analysis, layer, compact)
        node = _node(ids[layer.name], layer, fills[layer.name], label, layer.name in tasks)
        nodes.append((plan.boxes.get(layer.name) or box_of(layer.name, by_submodel=True), node))
    add_boxed(graph, nodes, _text)
    counts: dict[tuple[str, str], int] = {}
    for src, dst in _edges(analysis):
        _count_edge(counts, plan, src, dst)
    _add_edges(graph, counts, ids)
    return graph.to_string()


def calls_dot(
    analysis: Analysis,
    layout: str = "TB",
    fold: bool = False,
    compact: bool = False,
    fills: Mapping[str, str] | None = None,
) -> str:
    """One node per call; the calls of a tied layer share a colour and a dashed tie."""
    graph, fills, plan = _begin(analysis, layout, compact, call_plan if fold else None, fills)
    ids = {call.id: f"c{i}" for i, call in enumerate(analysis.calls)}
    by_name = {layer.name: layer for layer in analysis.layers}
    tasks, nodes = analysis.output_layers, []
    for call in analysis.calls:
        if call.id in plan.hidden:
            continue
        layer = by_name[call.layer]
        title = f"{layer.name} · {layer.type}"
        if layer.tied:
            title += f" · call {call.call}/{layer.n_calls}"
        params = "" if layer.is_input else _params(layer.params) + _frozen(layer)
        label = _label(title, call.output_shape, params, compact)
        node = _node(ids[call.id], layer, fills[layer.name], label, call.layer in tasks)
        # Calls of a sub-model's layers stay unboxed: one box would merge its separate calls.
        nodes.append((plan.boxes.get(call.id) or box_of(layer.name, by_submodel=False), node))
    add_boxed(graph, nodes, _text)
    counts: dict[tuple[str, str], int] = {}
    for call in analysis.calls:
        for parent in call.parents:
            _count_edge(counts, plan, parent, call.id)
    _add_edges(graph, {edge: 1 for edge in counts}, ids)  # a call reads each parent once
    for layer in analysis.layers:
        if layer.tied:
            shown = list(dict.fromkeys(plan.shown(c) for c in layer.calls))
            _tie_calls(graph, [ids[c] for c in shown], fills[layer.name])
    return graph.to_string()


def _tie_calls(graph: pydot.Dot, node_ids: list[str], colour: str) -> None:
    """Dashed undirected edges between consecutive calls: they hold the same weights."""
    for a, b in zip(node_ids, node_ids[1:], strict=False):
        graph.add_edge(
            pydot.Edge(
                a,
                b,
                style="dashed",
                dir="none",
                color=colour,
                penwidth="2.5",
                constraint="false",
                label="same weights" if a == node_ids[0] else "",
                fontcolor=colour,
            )
        )


def to_dot(
    analysis: Analysis,
    view: str = "layers",
    layout: str = "TB",
    fold: bool = False,
    compact: bool = False,
    fills: Mapping[str, str] | None = None,
) -> str:
    """DOT text of the model in the given view ('layers' or 'calls') and layout ('TB' or 'LR');
    `fold` draws each run of identical blocks once (see `models.analysis.folding`), `compact`
    packs it for a projector (two-line nodes, tight spacing); `fills` (layer name -> colour)
    replace the kind-of-sharing colours of those layers (a run's conflict, for one)."""
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}")
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}")
    draw = layers_dot if view == "layers" else calls_dot
    return draw(analysis, layout, fold, compact, fills)
