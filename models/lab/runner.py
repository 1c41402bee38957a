"""Run every Lab demonstration for one size setting, in page order, timing each."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from models.lab.common import Unavailable, lab_sizes
from models.lab.conv import CONV_TITLE, conv_comparison
from models.lab.folded import FOLDED_TITLE, folded_tower
from models.lab.gradients import GRADIENT_TITLE, gradient_sum
from models.lab.kinds import KINDS_TITLE, sharing_kinds
from models.spec import ModelSpec, SpecError

STEPS = (
    (CONV_TITLE, conv_comparison),
    (GRADIENT_TITLE, gradient_sum),
    (FOLDED_TITLE, folded_tower),
    (KINDS_TITLE, sharing_kinds),
)


@dataclass(frozen=True)
class LabResult:
    """Every demonstration for one size setting, with how long each took to compute."""

    demos: tuple  # of demonstration dataclasses or Unavailable, in page order
    seconds: dict[str, float]


def _attempt(title: str, demo, spec: ModelSpec):
    try:
        return demo(spec)
    except SpecError as error:  # a derived model the sizes cannot build (e.g. too many params)
        return Unavailable(title, str(error))


_LAB_LOCK = threading.Lock()  # seeding is process-wide: one lab at a time per process


def run_lab(spec: ModelSpec) -> LabResult:
    """Run every demonstration on the sizes of `spec` (serialised: see `_LAB_LOCK`)."""
    with _LAB_LOCK:
        return _run_lab(spec)


def _run_lab(spec: ModelSpec) -> LabResult:
    # Not validated as a whole: lab_sizes' "nothing shared" model can be over the parameter cap
    # while every model a demo builds is fine; build_model validates each one (see _attempt).
    spec = lab_sizes(spec)
    demos, seconds = [], {}
    for title, demo in STEPS:
        start = time.perf_counter()
        demos.append(_attempt(title, demo, spec))
        seconds[title] = time.perf_counter() - start
    return LabResult(demos=tuple(demos), seconds=seconds)
