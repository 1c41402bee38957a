"""What the page shows for an uploaded file: its analysis, or one message saying why not.

The file is analysed by `run(fn, *args)`, in the app a process of its own
(`models.uploads.isolated.run_isolated`); whatever goes wrong there (a refused file, a load
stopped over its time or memory, an unexpected error) becomes a sentence, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from models.analysis.graph import to_dot
from models.analysis.records import Analysis
from models.uploads.limits import ModelUploadError
from models.uploads.loader import analyse_model_file

Run = Callable[..., Analysis]  # run(fn, *args) -> fn(*args), wherever it runs


@dataclass(frozen=True)
class UploadOutcome:
    """Either the file's `analysis` or the `error` to show instead (the other is None)."""

    analysis: Analysis | None = None
    error: str | None = None


def analysis_outcome(run: Run, data: bytes) -> UploadOutcome:
    """Analyse `data` through `run`; every failure becomes a message."""
    try:
        return UploadOutcome(analysis=run(analyse_model_file, data))
    except ModelUploadError as error:  # refused, or its process stopped (`LoadStopped`)
        return UploadOutcome(error=str(error))
    except Exception as error:  # anything else the load raised: shown, never a traceback
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
