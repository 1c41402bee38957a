"""Specs the tests walk through: every variant at every k its sizes allow."""

from __future__ import annotations

from collections.abc import Iterator

from models.architectures.variants import VARIANTS
from models.spec import ModelSpec, SpecError


def every_k(sizes: ModelSpec) -> Iterator[ModelSpec]:
    """Every variant on `sizes` at every allowed k (a variant the sizes cannot build left out)."""
    for name, variant in VARIANTS.items():
        probe = sizes.replace(variant=name)
        try:
            variant.check(probe)
        except SpecError:
            continue  # towers without conv layers
        low, high = variant.shared_range(probe)
        for k in range(low, high + 1):
            yield probe.replace(shared_layers=k)
