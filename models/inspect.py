"""One call from a spec to everything the page shows about its model."""

from __future__ import annotations

from dataclasses import replace

from models.analysis.records import Analysis
from models.analysis.sharing import analyse
from models.architectures.variants import VARIANTS, build_model
from models.spec import ModelSpec


def inspect_spec(spec: ModelSpec) -> Analysis:
    """Build the spec's model once and return its analysis, with in `extra` the explanation and
    the standalone code (`code`, or `code_error` saying why it cannot be written)."""
    from models.codegen.writer import CodegenError, generate_code

    model = build_model(spec)
    analysis = analyse(model)
    extra = {"explanation": VARIANTS[spec.variant].explain(spec, analysis)}
    try:
        extra["code"] = generate_code(model, spec, analysis=analysis)
    except CodegenError as error:
        extra["code_error"] = str(error)
    return replace(analysis, extra=extra)
