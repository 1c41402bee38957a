"""`ModelSpec`: the one frozen description of a model, its validation and its URL form."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from models import settings as table
from models.settings import SPEC_SETTINGS, first_problem

# What no single field's bounds (models.settings) say: the whole model's size.
MAX_PARAMS = 3_000_000
MAX_FEATURES = table.FEATURES.high  # for the CSV reader, which caps its columns by it


class SpecError(ValueError):
    """A spec that cannot be built; the message says what to change."""


@dataclass(frozen=True)
class ModelSpec:
    """Everything that defines a model. Hashable, so it can key caches."""

    # Defaults and bounds: models.settings.
    variant: str = table.VARIANT.default
    shared_layers: int = table.SHARED_LAYERS.default
    n_features: int = table.FEATURES.default
    # The last `extra_inputs` features are inputs only: read by the model, never forecast.
    extra_inputs: int = table.EXTRA_INPUTS.default
    timesteps: int = table.TIMESTEPS.default
    horizon: int = table.HORIZON.default
    conv_filters: tuple[int, ...] = table.CONV_FILTERS.default
    kernel_size: int = table.KERNEL_SIZE.default
    dense_units: tuple[int, ...] = table.DENSE_UNITS.default
    activation: str = table.ACTIVATION.default
    # The branched variant's tree: one group number per task (`models.architectures.groups`);
    # empty for the other variants, which have no groups.
    task_groups: tuple[int, ...] = table.TASK_GROUPS.default
    # Layer objects built with `trainable = False`: each keeps its starting weights in all its
    # calls (names of this model's layers with weights: `models.inspect.with_known_frozen`).
    frozen: tuple[str, ...] = table.FROZEN.default

    @property
    def n_conv(self) -> int:
        return len(self.conv_filters)

    @property
    def n_dense(self) -> int:
        return len(self.dense_units)

    @property
    def conv_lengths(self) -> tuple[int, ...]:
        """Sequence length after each conv layer ('valid' padding shortens by kernel - 1)."""
        lengths, length = [], self.timesteps
        for _ in self.conv_filters:
            length -= self.kernel_size - 1
            lengths.append(length)
        return tuple(lengths)

    @property
    def n_tasks(self) -> int:
        """How many series are forecast: one task per feature, less the input-only ones."""
        return self.n_features - self.extra_inputs

    def replace(self, **changes) -> ModelSpec:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    def validate(self) -> ModelSpec:
        """Raise `SpecError` naming what to change if these fields are out of bounds.

        Each field against its own bounds in `models.settings`, then what one field's bounds
        cannot say; whether the variant exists, its `k` range and the parameter cap are
        `models.architectures.variants.validate`'s job.
        """
        if found := first_problem(self, (table.FEATURES,)):
            raise SpecError(found)
        # Checked before the table's own 0-15: it is the bound that names what to change.
        if not table.EXTRA_INPUTS.low <= self.extra_inputs < self.n_features:
            raise SpecError(
                f"Input-only series must be fewer than the {self.n_features} features (at least "
                f"one series is forecast); got {self.extra_inputs}."
            )
        if found := first_problem(self, SPEC_SETTINGS):
            raise SpecError(found)
        if self.conv_filters and self.conv_lengths[-1] < 1:
            raise SpecError(
                f"{self.n_conv} conv layers with kernel {self.kernel_size} need at least "
                f"{self.n_conv * (self.kernel_size - 1) + 1} time steps "
                f"(you have {self.timesteps}): "
                "lower the kernel size, remove a conv layer or add time steps."
            )
        return self
