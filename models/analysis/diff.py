"""Two models side by side, layer by layer: what each has, and what changed from one to the
other (became shared, became task-specific, added, removed, ± parameters)."""

from __future__ import annotations

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


def layer_changes(a: Analysis, b: Analysis) -> pd.DataFrame:
    """One row per layer of either model (A's order, then B's new ones); inputs left out."""
    of_a = {x.name: x for x in a.layers if not x.is_input}
    of_b = {x.name: x for x in b.layers if not x.is_input}
    names = list(of_a) + [name for name in of_b if name not in of_a]
    rows = []
    for name in names:
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
