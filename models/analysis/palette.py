"""One qualitative, colour-blind-safe palette (Okabe & Ito) used by the graph, tables and plots."""

from __future__ import annotations

from models.analysis.records import Analysis

OKABE_ITO = (
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#F0E442",  # yellow
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
)
TASK_SHARED_FILL = "#D9D9D9"  # neutral grey: one call, but every task reads it
# Lighter than the trunk's grey (and drawn dashed): one input's own layer whose output still
# reaches every task, so it must not read as "the towers are shared".
BRANCH_FILL = "#F2F2F2"
# A warm light tint, apart from the trunk's grey: one call read by a group of the tasks (a
# sharing tree's branch), shared, but not by every task.
GROUP_FILL = "#EADFC8"
GATE_FILL = OKABE_ITO[2]  # bluish green: where one task chooses among shared experts (MMoE)
MIX_FILL = OKABE_ITO[6]  # reddish purple: a unit that mixes the tasks' activations (soft sharing)
PLAIN_FILL = "#FFFFFF"
EDGE_COLOUR = "#8C8C8C"  # mid grey: readable on light and dark backgrounds


# For thin lines on a white page the palette's yellow is too faint: a darker gold takes its
# place, last, so a chart needs it only with seven lines at once.
DARK_YELLOW = "#B39B00"
LINE_COLOURS = tuple(c for c in OKABE_ITO if c != "#F0E442") + (DARK_YELLOW,)


def colour(index: int) -> str:
    """The palette colour for the index-th item (wraps around): fills and swatches."""
    return OKABE_ITO[index % len(OKABE_ITO)]


def line_colour(index: int) -> str:
    """The colour of the index-th line of a chart (wraps around): no faint yellow."""
    return LINE_COLOURS[index % len(LINE_COLOURS)]


def text_colour(fill: str) -> str:
    """Black or white, whichever reads better on `fill` (WCAG relative luminance)."""
    r, g, b = (int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    return "#000000" if luminance > 0.179 else "#FFFFFF"


DARK_BACKGROUND = "#0E1117"  # Streamlit's dark theme


def on_dark(fill: str) -> str:
    """`fill` for a table row on a dark page: the role's colour blended into the background,
    so a row reads as that role without a bright band, and takes light text (`text_colour`).
    Palette colours keep 45 % of their strength; greys less the lighter they are, so the trunk
    (#D9D9D9) still stands out from a branch (#F2F2F2)."""
    rgb, back = _rgb(fill), _rgb(DARK_BACKGROUND)
    grey = max(rgb) - min(rgb) < 8
    strength = 0.15 + 2 * (1 - sum(rgb) / 765) if grey else 0.45
    return "#" + "".join(
        f"{round(b + (c - b) * strength):02X}" for c, b in zip(rgb, back, strict=True)
    )


def legend(analysis: Analysis) -> list[tuple[str, str]]:
    """(fill, meaning) for each kind of node this graph actually has, in reading order:
    each tied layer by name, then mixers, trunk, branches and task-specific layers."""
    fills = layer_colours(analysis)
    layers = [layer for layer in analysis.layers if not layer.is_input]
    items = [(fills[x.name], _tied_meaning(x)) for x in layers if x.tied]
    kinds = (
        (MIX_FILL, "mixes the tasks' activations (soft sharing)"),
        (GATE_FILL, "a task's gate: how much of each expert it uses"),
        (TASK_SHARED_FILL, "shared across tasks (called once)"),
        (GROUP_FILL, "shared by a group of tasks (a branch, called once)"),
        (BRANCH_FILL, "one input's branch (dashed): its output reaches several tasks"),
        (PLAIN_FILL, "task-specific"),
    )
    present = {fills[x.name] for x in layers if not x.tied}
    return items + [(fill, text) for fill, text in kinds if fill in present]


def _tied_meaning(layer) -> str:
    if not layer.params:  # pooling, flatten, ...: called again, but there is nothing to tie
        return f"{layer.name} (called ×{layer.n_calls}, no weights)"
    return f"{layer.name} (×{layer.n_calls}, tied)"


def layer_colours(analysis: Analysis) -> dict[str, str]:
    """Fill per layer: each tied layer its own palette colour (graph order), then mixers, grey."""
    fills: dict[str, str] = {}
    tied_rank = 0
    for layer in analysis.layers:
        if layer.tied:
            fills[layer.name] = colour(tied_rank)
            tied_rank += 1
        elif layer.mixes_tasks:
            fills[layer.name] = MIX_FILL
        elif layer.gates_experts:
            fills[layer.name] = GATE_FILL
        elif layer.input_branch:
            fills[layer.name] = BRANCH_FILL
        elif layer.group_branch:
            fills[layer.name] = GROUP_FILL
        elif layer.shared:
            fills[layer.name] = TASK_SHARED_FILL
        else:
            fills[layer.name] = PLAIN_FILL
    return fills


# ColorBrewer's PuOr, a diverging scale readable with every common colour-vision deficiency:
# orange where two tasks' gradients point apart (cosine < 0), white at 0, purple where they
# agree. A layer's mean cosine over a run rarely leaves +-0.5 (tasks that agree more look
# alike), so the scale's ends sit there: on a +-1 scale every node was near white.
CONFLICT_SCALE = ("#B35806", "#F1A340", "#FEE0B6", "#F7F7F7", "#D8DAEB", "#998EC3", "#542788")
CONFLICT_RANGE = 0.5


def conflict_fill(cosine: float) -> str:
    """The diverging-scale colour of a mean gradient cosine (clipped to +-CONFLICT_RANGE)."""
    clipped = min(max(float(cosine) / CONFLICT_RANGE, -1.0), 1.0)
    position = (clipped + 1.0) / 2.0 * (len(CONFLICT_SCALE) - 1)
    low = min(int(position), len(CONFLICT_SCALE) - 2)
    a, b = (_rgb(CONFLICT_SCALE[i]) for i in (low, low + 1))
    mix = position - low
    return "#" + "".join(f"{round(x + (y - x) * mix):02X}" for x, y in zip(a, b, strict=True))


def _rgb(fill: str) -> tuple[int, int, int]:
    return tuple(int(fill[i : i + 2], 16) for i in (1, 3, 5))
