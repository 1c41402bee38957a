"""Axis scales of the live charts (`components.live_chart`): ranges, positions and round ticks.

Positions run 0 .. VIEW along an axis; on a log axis ranges are in log10 units, as Plotly's.
"""

from __future__ import annotations

import math

import numpy as np

VIEW = 1000  # a plot area's own units, stretched to its panel
TICKS = 5  # about this many labelled ticks per axis


def values(trace, letter: str) -> np.ndarray:
    """A trace's x or y values as floats (NaN where missing)."""
    raw = getattr(trace, letter)
    return np.asarray(raw if raw is not None else [], dtype=float)


def span(traces: list, letter: str, fixed, log: bool) -> tuple[float, float]:
    """The axis range in drawing units (log10 of the values on a log axis)."""
    if fixed is not None:
        return float(fixed[0]), float(fixed[1])  # Plotly's log ranges are already log10
    data = np.concatenate([values(t, letter) for t in traces] or [np.zeros(0)])
    data = data[np.isfinite(data) & ((data > 0) if log else True)]
    if not len(data):
        return (0.0, 1.0)
    data = np.log10(data) if log else data
    lo, hi = float(data.min()), float(data.max())
    if hi - lo < 1e-12:
        return lo - 0.5, hi + 0.5
    pad = 0.05 * (hi - lo) if letter == "y" else 0.0
    return lo - pad, hi + pad


def at(value: float, span: tuple[float, float], log: bool) -> float:
    """A value's position along the axis, 0 .. VIEW."""
    value = math.log10(value) if log else value
    return (value - span[0]) / (span[1] - span[0]) * VIEW


def ticks(span: tuple[float, float], log: bool) -> list[float]:
    """Round values inside the span: on a log axis decades, else 1, 2 and 5 times them, else
    (a span within a factor of 2.5) round values as on a linear axis; otherwise steps of 1, 2
    or 5 times a power of ten."""
    lo, hi = span
    if not log:
        return _linear_ticks(lo, hi)
    for multiples in ((1,), (1, 2, 5)):
        found = [
            m * 10.0**d
            for d in range(math.floor(lo), math.ceil(hi) + 1)
            for m in multiples
            if lo <= math.log10(m * 10.0**d) <= hi
        ]
        if len(found) >= 2:
            return found
    return [t for t in _linear_ticks(10.0**lo, 10.0**hi) if t > 0]


def _linear_ticks(lo: float, hi: float) -> list[float]:
    raw = (hi - lo) / TICKS
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return [i * step for i in range(math.ceil(lo / step), math.floor(hi / step) + 1)]


def label(value: float) -> str:
    if value == 0:
        return "0"
    text = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"  # epoch 2,000, not 2e+03
    return text.replace("-", "\u2212")  # a true minus sign, as Plotly writes it
