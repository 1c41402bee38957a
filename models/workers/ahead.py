"""What idle training workers compile before anyone clicks: a click on Train (or Train all)
whose spec is compiled waits ~1-3 s less."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from models.spec import ModelSpec
from models.workers.worker import TrainJob


def compiles_ahead(
    spec: ModelSpec,
    compare_specs: Sequence[ModelSpec],
    data,
    config,
    refused: Callable[[TrainJob], str | None],
) -> list[ModelSpec]:
    """Most wanted first, each once: `spec` (what Train would run), then `compare_specs` (the
    Compare tab's list and quick picks, given only while that tab is open: their compiles would
    otherwise take CPU from a run on the Train tab). Never a spec a click would be refused
    (`refused(job)` says why, or None): its compile alone can be large."""
    wanted = dict.fromkeys([spec, *compare_specs])
    return [s for s in wanted if refused(TrainJob(s, data, config)) is None]
