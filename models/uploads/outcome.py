"""What the page shows for an uploaded file: its analysis, or one message saying why not.

The file is analysed in a worker (`submit(fn, *args)` -> Future); whatever goes wrong there
(a refused file, a busy or dead worker, an unexpected error) becomes a sentence, never a
traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import CancelledError, Future
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from models.analysis.graph import to_dot
from models.analysis.records import Analysis
from models.uploads.loader import ModelUploadError, analyse_model_file

WAIT_SECONDS = 180  # a worker may first finish a training run queued before the file
BUSY = (
    f"The workers were busy for {WAIT_SECONDS} s (training runs go first). "
    "Upload the file again in a moment."
)
WORKER_STOPPED = (
    "The worker loading this file stopped (killed or out of memory). The file may need "
    "more memory than the app has; nothing else was affected."
)

Submit = Callable[..., Future]


@dataclass(frozen=True)
class UploadOutcome:
    """Either the file's `analysis` or the `error` to show instead (the other is None)."""

    analysis: Analysis | None = None
    error: str | None = None


def analysis_outcome(submit: Submit, data: bytes) -> UploadOutcome:
    """Analyse `data` through `submit` and wait for it; every failure becomes a message."""
    try:
        future = submit(analyse_model_file, data)
        return UploadOutcome(analysis=future.result(timeout=WAIT_SECONDS))
    except ModelUploadError as error:
        return UploadOutcome(error=str(error))
    except FutureTimeout:  # only `result` times out: the future exists; drop it if queued
        future.cancel()
        return UploadOutcome(error=BUSY)
    except (BrokenProcessPool, CancelledError):
        return UploadOutcome(error=WORKER_STOPPED)
    except Exception as error:  # anything else a worker raised: shown, never a traceback
        return UploadOutcome(
            error=f"The file could not be analysed: {type(error).__name__}: {error}"
        )


@dataclass(frozen=True)
class AnalysedFile:
    """One chosen file's outcome, kept for a session: analysed once, each graph drawn once."""

    key: str  # which file: "example" or "upload:<file id>"
    analysis: Analysis | None
    error: str | None
    dots: dict[tuple, str] = field(default_factory=dict)  # (view, layout, fold) -> DOT

    @classmethod
    def of(cls, key: str, outcome: UploadOutcome) -> AnalysedFile:
        return cls(key, outcome.analysis, outcome.error)

    def dot(self, view: str, layout: str, fold: bool = False) -> str:
        """The graph's DOT text for one view and layout, runs of identical blocks folded or
        not (needs an analysis)."""
        if (view, layout, fold) not in self.dots:
            self.dots[(view, layout, fold)] = to_dot(self.analysis, view, layout, fold=fold)
        return self.dots[(view, layout, fold)]
