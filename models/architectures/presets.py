"""The named configurations of the question (model 1, model 2, ...), defined once.

A preset is a variant and a number of shared layers, placed on any layer sizes: "every
shareable layer" follows the sizes (model 1 shares 5 layers at the question's sizes, 4 with
one conv layer fewer).
"""

from __future__ import annotations

from dataclasses import dataclass

from models.architectures.variants import VARIANTS, clamp_k, validate
from models.spec import ModelSpec

EVERY_LAYER = None  # `Preset.shared_layers` for "every layer the variant can share"


@dataclass(frozen=True)
class Preset:
    """A variant with a fixed number of shared layers (or EVERY_LAYER), and its name."""

    label: str
    variant: str
    shared_layers: int | None

    def on(self, sizes: ModelSpec) -> ModelSpec:
        """This preset on `sizes`' layer sizes (k clamped to the variant's range there).

        Raises `SpecError` if the variant cannot be built on those sizes.
        """
        probe = sizes.replace(variant=self.variant)
        if self.shared_layers is EVERY_LAYER:
            k = VARIANTS[self.variant].shared_range(probe)[1]
        else:
            k = self.shared_layers
        return validate(clamp_k(probe.replace(shared_layers=k)))


MODEL_1 = Preset("Question: model 1", "hard", EVERY_LAYER)
MODEL_2 = Preset("Question: model 2", "towers", 1)
TOWERS_ALL_SHARED = Preset("All conv layers shared", "towers", EVERY_LAYER)
NOTHING_SHARED = Preset("Nothing shared", "hard", 0)
PRESETS = (MODEL_1, MODEL_2, TOWERS_ALL_SHARED, NOTHING_SHARED)
# The Compare tab's first list: the question's two models and the no-sharing baseline. Every
# training worker compiles them (at the question's sizes) as it starts.
COMPARE_DEFAULTS = (MODEL_1, NOTHING_SHARED, MODEL_2)
