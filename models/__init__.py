"""Pure Python + Keras: specs, builders, sharing analysis, graph text. Never imports streamlit."""

from models.spec import ModelSpec, SpecError
from models.variants import VARIANTS


def build_model(spec: ModelSpec):
    """Validate `spec` and build its Keras functional model."""
    spec.validate()
    return VARIANTS[spec.variant].build(spec)


__all__ = ["VARIANTS", "ModelSpec", "SpecError", "build_model"]
