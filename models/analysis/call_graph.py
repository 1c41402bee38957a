"""A model's layer calls as plain data: what the sharing analysis reads, wherever they came from.

`nested.flatten_calls` fills a `CallGraph` from a built Keras model; `models.inspect` fills one
from a spec's call plan without loading Keras. `sharing.analyse_graph` reads either, so what the
page shows cannot depend on where the graph came from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True, eq=False)
class LayerFacts:
    """What the analysis needs of one layer object. One instance per object: every call of a
    tied layer points to the same instance, and identity (not equality) groups the calls."""

    name: str
    type: str  # the Keras class name: InputLayer, Conv1D, Dense, CrossStitch, ...
    params: int
    weight_shapes: tuple[str, ...] = ()  # e.g. "(3, 4, 8)", in the layer's weight order
    # Takes one tensor per lane (task) and returns one per lane, mixing them (cross-stitch).
    lane_mixer: bool = False
    gates_experts: bool = False  # one task's gate over shared experts (MMoE)
    frozen: bool = False  # has weights and `trainable = False`


@dataclass(eq=False)
class LayerCall:
    """One call of one layer object, wherever it sits in the nesting of models."""

    layer: LayerFacts
    path: tuple[str, ...]  # names of the sub-models it is inside, outermost first
    order: tuple[int, ...]  # node indices from the outer model inwards: orders one layer's calls
    parents: list[tuple[LayerCall, int]]  # (producing call, output index), one per input
    input_shapes: tuple[str, ...]  # batch axis included: "(None, 10, 4)"
    output_shapes: tuple[str, ...]


Value = tuple[LayerCall, int]


@dataclass(frozen=True)
class CallGraph:
    """Every layer call of a model, parents first, and what the model itself declares."""

    name: str
    calls: list[LayerCall]
    outputs: list[Value]  # the model's outputs, in its order: one task each
    inputs: list[LayerFacts]  # the model's input layers, in its order
    total_params: int  # unique parameters, as Keras' `count_params` counts them


def depth_first(roots: Iterable, parents_of: Callable[[object], list], key: Callable) -> list:
    """Every node reachable from `roots`, parents first, in the order of a recursive depth-first
    walk from each root in turn (Keras' own graph order). Iterative: a chain of hundreds of
    layers would overflow Python's recursion limit. `key(node)` tells nodes apart."""
    order, seen = [], set()
    for root in roots:
        stack = [(root, False)]
        while stack:
            node, finished = stack.pop()
            if finished:
                order.append(node)
                continue
            if key(node) in seen:
                continue
            seen.add(key(node))
            stack.append((node, True))
            stack += [(parent, False) for parent in reversed(parents_of(node))]
    return order
