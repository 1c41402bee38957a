"""One call from a spec to everything the page shows about its model."""

from __future__ import annotations

from dataclasses import replace

from models import build_model
from models.analysis import Analysis, analyse
from models.spec import ModelSpec
from models.variants import VARIANTS


def inspect_spec(spec: ModelSpec) -> Analysis:
    """Build the spec's model and return its analysis, with the explanation in `extra`."""
    analysis = analyse(build_model(spec))
    sentences = VARIANTS[spec.variant].explain(spec, analysis)
    return replace(analysis, extra={"explanation": sentences})
