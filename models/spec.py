"""`ModelSpec`: the one frozen description of a model, its validation and its URL form."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

# Bounds that keep one browser session from asking for an unreasonable model.
MAX_FEATURES = 16
MAX_TIMESTEPS = 512
MAX_HORIZON = 128
MAX_CONV_LAYERS = 6
MAX_DENSE_LAYERS = 4
MAX_FILTERS = 256
MAX_UNITS = 1024
MAX_PARAMS = 3_000_000
ACTIVATIONS = ("relu", "tanh", "gelu", "elu", "sigmoid", "linear")


class SpecError(ValueError):
    """A spec that cannot be built; the message says what to change."""


@dataclass(frozen=True)
class ModelSpec:
    """Everything that defines a model. Hashable, so it can key caches."""

    variant: str = "hard"
    shared_layers: int = 5
    n_features: int = 4
    # The last `extra_inputs` features are inputs only: read by the model, never forecast.
    extra_inputs: int = 0
    timesteps: int = 10
    horizon: int = 10
    conv_filters: tuple[int, ...] = (8, 16, 32)
    kernel_size: int = 3
    dense_units: tuple[int, ...] = (200, 100)
    activation: str = "relu"

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

        Only the fields themselves are checked here; whether the variant exists, its `k` range
        and the parameter cap are `models.architectures.variants.validate`'s job.
        """
        _check_range("n_features", self.n_features, 1, MAX_FEATURES)
        if not 0 <= self.extra_inputs < self.n_features:
            raise SpecError(
                f"Input-only series must be fewer than the {self.n_features} features (at least "
                f"one series is forecast); got {self.extra_inputs}."
            )
        _check_range("timesteps", self.timesteps, 2, MAX_TIMESTEPS)
        _check_range("horizon", self.horizon, 1, MAX_HORIZON)
        _check_range("kernel_size", self.kernel_size, 1, MAX_TIMESTEPS)
        if len(self.conv_filters) > MAX_CONV_LAYERS:
            raise SpecError(f"At most {MAX_CONV_LAYERS} conv layers; remove some filters.")
        if not 1 <= len(self.dense_units) <= MAX_DENSE_LAYERS:
            raise SpecError(f"Use 1 to {MAX_DENSE_LAYERS} dense layers.")
        for f in self.conv_filters:
            _check_range("conv filters", f, 1, MAX_FILTERS)
        for u in self.dense_units:
            _check_range("dense units", u, 1, MAX_UNITS)
        if self.activation not in ACTIVATIONS:
            raise SpecError(f"Unknown activation {self.activation!r}; use one of {ACTIVATIONS}.")
        if self.conv_filters and self.conv_lengths[-1] < 1:
            raise SpecError(
                f"{self.n_conv} conv layers with kernel {self.kernel_size} need at least "
                f"{self.n_conv * (self.kernel_size - 1) + 1} time steps "
                f"(you have {self.timesteps}): "
                "lower the kernel size, remove a conv layer or add time steps."
            )
        return self


def _check_range(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise SpecError(f"{name} must be between {low} and {high}; got {value}.")
