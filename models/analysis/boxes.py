"""Boxes around groups of nodes in a graph: an MMoE expert, a sub-model, a folded run."""

from __future__ import annotations

import re

import pydot

from models.analysis.nested import SEP
from models.analysis.palette import EDGE_COLOUR

EXPERT = re.compile(r"expert(\d+)_")


def box_of(name: str, by_submodel: bool) -> str | None:
    """The box a node is drawn in: an MMoE expert (`expert2_…`) or, per layer object, the
    sub-model it belongs to (`encoder/conv1`); None for a node drawn on its own."""
    expert = EXPERT.match(name)
    if expert:
        return f"expert {expert.group(1)}"
    if by_submodel and SEP in name:
        return name.split(SEP, 1)[0]
    return None


def add_boxed(graph: pydot.Dot, nodes: list[tuple[str, pydot.Node]], escape) -> None:
    """Add (group, node) pairs; nodes of one group go into one dashed box labelled with the
    group, as `escape` writes it."""
    boxes: dict[str, pydot.Cluster] = {}
    for group, node in nodes:
        if group is None:
            graph.add_node(node)
            continue
        if group not in boxes:
            boxes[group] = pydot.Cluster(
                f"box{len(boxes)}", label=escape(group), style="rounded,dashed", color=EDGE_COLOUR
            )
            boxes[group].set_fontcolor(EDGE_COLOUR)
        boxes[group].add_node(node)
    for box in boxes.values():
        graph.add_subgraph(box)
