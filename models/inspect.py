"""From a spec to everything the Model tab shows about its model: analysis, sentences, code.

The one place where the three parts meet: `architectures` builds, `analysis` reads the built
model, `codegen` writes it out; none of them imports another.
"""

from __future__ import annotations

import dataclasses

from models.analysis.records import Analysis
from models.analysis.sharing import analyse
from models.architectures.variants import VARIANTS, build_model
from models.codegen.source import literal
from models.codegen.writer import CodegenError, generate_code
from models.spec import ModelSpec


def spec_header(spec: ModelSpec) -> list[str]:
    """Header lines for generated code: the variant and every field of the spec."""
    variant = VARIANTS.get(spec.variant)
    lines = [f"Variant: {spec.variant}" + (f" ({variant.label})" if variant else ""), "Spec:"]
    lines += [f"  {f.name} = {literal(getattr(spec, f.name))}" for f in dataclasses.fields(spec)]
    return lines


def code_for_spec(spec: ModelSpec) -> str:
    """Build `spec`'s model and return the Python source that builds it again."""
    return generate_code(build_model(spec), spec_header(spec))


def inspect_spec(spec: ModelSpec) -> Analysis:
    """Build the spec's model once and return its analysis, with in `extra` the explanation and
    the standalone code (`code`, or `code_error` saying why it cannot be written)."""
    model = build_model(spec)
    analysis = analyse(model)
    extra = {"explanation": VARIANTS[spec.variant].explain(spec, analysis)}
    try:
        extra["code"] = generate_code(model, spec_header(spec), analysis=analysis)
    except CodegenError as error:
        extra["code_error"] = str(error)
    return dataclasses.replace(analysis, extra=extra)
