"""The variant registry: name -> how to build, count and feed one architecture family.

Adding a variant is one new `Variant(...)` entry in `VARIANTS`; nothing else branches on names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from models import builders, explain
from models.spec import ModelSpec, SpecError


@dataclass(frozen=True)
class Variant:
    """One architecture family and the functions that know its shape."""

    name: str
    label: str
    summary: str
    build: Callable  # (ModelSpec) -> keras.Model
    count_params: Callable[[ModelSpec], int]
    shareable: Callable[[ModelSpec], list[str]]  # layers that k = 1, 2, ... shares, in order
    split_inputs: Callable[[ModelSpec, np.ndarray], object]
    explain: Callable  # (ModelSpec, Analysis) -> list[str]
    check: Callable[[ModelSpec], None] = lambda spec: None
    k_help: str = "How many layers, from the input side, are one shared layer object."

    def shared_range(self, spec: ModelSpec) -> tuple[int, int]:
        """The allowed values of `shared_layers` for `spec`'s sizes."""
        return 0, len(self.shareable(spec))


def _conv_names(spec: ModelSpec) -> list[str]:
    return [f"conv{i + 1}" for i in range(spec.n_conv)]


def _dense_names(spec: ModelSpec) -> list[str]:
    return [f"dense{i + 1}" for i in range(spec.n_dense)]


def _weighted_names(spec: ModelSpec) -> list[str]:
    return _conv_names(spec) + _dense_names(spec)


def _one_input(spec: ModelSpec, x: np.ndarray) -> np.ndarray:
    return x


def _input_per_feature(spec: ModelSpec, x: np.ndarray) -> list[np.ndarray]:
    return [x[..., i : i + 1] for i in range(spec.n_features)]


def _needs_conv(spec: ModelSpec) -> None:
    if not spec.conv_filters:
        raise SpecError("The towers variant needs at least one conv layer: add conv filters.")


VARIANTS: dict[str, Variant] = {
    v.name: v
    for v in (
        Variant(
            name="hard",
            label="Hard sharing: one trunk, a head per task",
            summary=(
                "One input holds every feature. The first k weighted layers form one trunk "
                "that every task uses; later layers exist once per task."
            ),
            build=builders.build_hard,
            count_params=builders.count_hard,
            shareable=_weighted_names,
            split_inputs=_one_input,
            explain=explain.explain_hard,
        ),
        Variant(
            name="towers",
            label="Towers: a conv tower per feature, tied",
            summary=(
                "Each feature has its own conv tower. The first k conv layers are one layer "
                "object called on every feature (tied weights); the towers are concatenated "
                "into dense layers and a head per task."
            ),
            build=builders.build_towers,
            count_params=builders.count_towers,
            shareable=_conv_names,
            split_inputs=_input_per_feature,
            explain=explain.explain_towers,
            check=_needs_conv,
        ),
        Variant(
            name="cross_stitch",
            label="Cross-stitch: a network per task, mixed",
            summary=(
                "Soft sharing: every task has its own network on the whole input. After each "
                "of the first k weighted layers a cross-stitch unit mixes the tasks' "
                "activations with a learned task × task matrix; no weight is tied."
            ),
            build=builders.build_cross_stitch,
            count_params=builders.count_cross_stitch,
            shareable=_weighted_names,
            split_inputs=_one_input,
            explain=explain.explain_cross_stitch,
            k_help=(
                "After how many weighted layers, from the input side, a cross-stitch unit "
                "mixes the tasks' activations."
            ),
        ),
    )
}
