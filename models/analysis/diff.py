"""Two models side by side, layer by layer: what each has, and what changed from one to the
other (became shared, became task-specific, added, removed, ± parameters). A layer that one
model has once and the other once per feature, task or expert (model 1's `conv2`, model 2's
`feature1_conv2` … `feature4_conv2`) is one row: "one per feature (4 × 400)", never removed."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from models.analysis.records import Analysis, LayerInfo

COLUMNS = ("Layer", "Role (A)", "Parameters (A)", "Role (B)", "Parameters (B)", "Change")


@dataclass(frozen=True)
class TotalsChange:
    """Both models' unique parameters and B − A."""

    a: int
    b: int

    @property
    def difference(self) -> int:
        return self.b - self.a


def _change(a: LayerInfo | None, b: LayerInfo | None) -> str:
    if a is None:
        return "added"
    if b is None:
        return "removed"
    words = []
    if b.shared and not a.shared:
        words.append("became shared")
    elif a.shared and not b.shared:
        words.append("became task-specific")
    elif a.role != b.role:
        words.append(f"{a.role} → {b.role}")
    if b.params != a.params:
        words.append(f"{b.params - a.params:+,} parameters")
    return ", ".join(words) or "same"


COPY = re.compile(r"^(feature|task|expert)(\d+)_(.+)$")


def _copies(layers: list[LayerInfo]) -> dict[str, tuple[str, list[LayerInfo]]]:
    """Layers by the name they are copies of: ("", [conv2]) for a single layer, ("feature",
    [feature1_conv2, …]) for one per feature (only where every copy is of one kind)."""
    groups: dict[str, tuple[str, list[LayerInfo]]] = {}
    for layer in layers:
        match = COPY.match(layer.name)
        kind, base = (match.group(1), match.group(3)) if match else ("", layer.name)
        known = groups.get(base)
        if known is not None and known[0] != kind:
            return {}  # a mixture: nothing to pair by name
        groups[base] = (kind, [*known[1], layer] if known else [layer])
    return {base: g for base, g in groups.items() if g[0] or len(g[1]) == 1}


def _how_many(kind: str, layers: list[LayerInfo]) -> str:
    if not kind:
        return "one" + (" shared" if layers[0].shared else "")
    return f"one per {kind} ({len(layers)} × {layers[0].params:,})"


def _paired_row(base: str, left: tuple, right: tuple) -> tuple:
    (kind_a, of_a), (kind_b, of_b) = left, right
    params_a, params_b = sum(x.params for x in of_a), sum(x.params for x in of_b)
    change = _how_many(kind_b, of_b) if not kind_a else f"{_how_many(kind_a, of_a)} → "
    if kind_a:
        change += _how_many(kind_b, of_b)
    if params_b != params_a:
        change += f", {params_b - params_a:+,} parameters"
    names = [x.name for x in of_a] if len(of_a) == 1 or len(of_b) > 1 else [base]
    label = names[0] if len(names) == 1 else base
    return (label, of_a[0].role, params_a, of_b[0].role, params_b, change)


def layer_changes(a: Analysis, b: Analysis) -> pd.DataFrame:
    """One row per layer of either model (A's order, then B's new ones); inputs left out. A
    layer missing on one side is matched with its copies per feature, task or expert there."""
    of_a = {x.name: x for x in a.layers if not x.is_input}
    of_b = {x.name: x for x in b.layers if not x.is_input}
    copies_a = _copies([x for name, x in of_a.items() if name not in of_b])
    copies_b = _copies([x for name, x in of_b.items() if name not in of_a])
    paired = copies_a.keys() & copies_b.keys()
    pair_of = {x.name: base for base in paired for x in copies_a[base][1] + copies_b[base][1]}
    names = list(of_a) + [name for name in of_b if name not in of_a]
    rows, done = [], set()
    for name in names:
        base = pair_of.get(name)
        if base is not None:
            if base not in done:
                done.add(base)
                rows.append(_paired_row(base, copies_a[base], copies_b[base]))
            continue
        left, right = of_a.get(name), of_b.get(name)
        rows.append(
            (
                name,
                left.role if left else "—",
                left.params if left else 0,
                right.role if right else "—",
                right.params if right else 0,
                _change(left, right),
            )
        )
    return pd.DataFrame(rows, columns=list(COLUMNS))


def totals_change(a: Analysis, b: Analysis) -> TotalsChange:
    return TotalsChange(a.totals.total, b.totals.total)
