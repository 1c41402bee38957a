"""What the Train tab says when a run has finished: how long the person waited, and for what.

A running job's progress bar is worded by the live view (`components.live.view`)."""

from __future__ import annotations

from models.workers.batch import Waited


def finished_text(epochs: int, seconds: float, waited: Waited | None) -> str:
    """ "Finished 60 epochs in 1.3 s", or, when the person waited for more than the training
    (a worker to start, the model to compile), the whole wait split into what it was for."""
    text = f"Finished {epochs:,} epochs in "
    if waited is None or (waited.worker < 0.5 and not waited.compiled):
        return text + f"{seconds:.1f} s"
    parts = [f"{waited.worker:.1f} s waiting for a training worker"] if waited.worker >= 0.5 else []
    doing = "building and compiling the model, then training" if waited.compiled else "training"
    parts.append(f"{waited.training:.1f} s {doing}")
    return text + f"{waited.total:.1f} s: " + ", ".join(parts)
