"""The variant registry: name -> how to build, count and feed one architecture family.

Adding a variant is one new `Variant(...)` entry in `VARIANTS`; nothing else branches on names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from models.architectures import builders, explain
from models.architectures.groups import default_groups, groups_of, labels_of
from models.spec import MAX_PARAMS, ModelSpec, SpecError


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
    min_k: int = 0  # the fewest `shared_layers` this variant can be built with
    # k counts the layers every task shares from the input side (a trunk), so a layer where
    # the tasks conflict says which k to try (`models.training.conflict_report`).
    k_is_trunk: bool = False
    reads_groups: bool = False  # builds a branch per group of tasks (`ModelSpec.task_groups`)

    def shared_range(self, spec: ModelSpec) -> tuple[int, int]:
        """The allowed values of `shared_layers` for `spec`'s sizes."""
        return self.min_k, len(self.shareable(spec))


def _conv_names(spec: ModelSpec) -> list[str]:
    return [f"conv{i + 1}" for i in range(spec.n_conv)]


def _dense_names(spec: ModelSpec) -> list[str]:
    return [f"dense{i + 1}" for i in range(spec.n_dense)]


def _weighted_names(spec: ModelSpec) -> list[str]:
    return _conv_names(spec) + _dense_names(spec)


MAX_EXPERTS = 8


def _expert_names(spec: ModelSpec) -> list[str]:
    return [f"expert{e + 1}" for e in range(MAX_EXPERTS)]


def _one_input(spec: ModelSpec, x: np.ndarray) -> np.ndarray:
    return x


def per_feature(x, n_features: int) -> list:
    """(N, T, F) array or tensor -> F slices of shape (N, T, 1), one per feature (the towers'
    inputs). The one place the per-feature split is written: builders' callers, the training
    engine and the Lab all use it."""
    return [x[..., i : i + 1] for i in range(n_features)]


def _input_per_feature(spec: ModelSpec, x: np.ndarray) -> list[np.ndarray]:
    return per_feature(x, spec.n_features)


def _one_group_per_task(spec: ModelSpec) -> None:
    labels, n = spec.task_groups, spec.n_tasks
    if labels and len(labels) != n:
        raise SpecError(
            f"Task groups give {len(labels)} group numbers for {n} tasks: give one per task, "
            f"e.g. {', '.join(str(number) for number in labels_of(default_groups(n)))}."
        )


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
            k_is_trunk=True,
        ),
        Variant(
            name="branched",
            label="Branched: a trunk, then a branch per group of tasks",
            summary=(
                "A sharing tree (Vandenhende et al., 2019): the first k weighted layers are one "
                "trunk that every task uses; after it, each group of tasks shares its own "
                "branch. Every task alone is hard sharing; one group is one trunk all the way."
            ),
            build=builders.build_branched,
            count_params=builders.count_branched,
            shareable=_weighted_names,
            split_inputs=_one_input,
            explain=explain.explain_branched,
            check=_one_group_per_task,
            k_is_trunk=True,
            reads_groups=True,
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
        Variant(
            name="mmoe",
            label="MMoE: shared experts, a gate per task",
            summary=(
                "Multi-gate mixture of experts (Ma et al., 2018): k experts, each a copy of the "
                "whole body on the whole input, are shared by every task; each task has a gate "
                "that learns how much of each expert it uses, and its own head."
            ),
            build=builders.build_mmoe,
            count_params=builders.count_mmoe,
            shareable=_expert_names,
            split_inputs=_one_input,
            explain=explain.explain_mmoe,
            k_help="How many experts every task can draw on (each gate weighs all of them).",
            min_k=1,
        ),
    )
}


def clamp_k(spec: ModelSpec) -> ModelSpec:
    """`spec` with `shared_layers` moved to the nearest value its variant allows at its sizes.

    The one k clamp: the sidebar slider, Compare's picker and configurations all use it. Its
    task groups are `settled` on the way. An unknown variant is left for `validate` to name.
    """
    if spec.variant not in VARIANTS:
        return spec
    low, high = VARIANTS[spec.variant].shared_range(spec)
    return settled(spec.replace(shared_layers=min(max(spec.shared_layers, low), high)))


def settled(spec: ModelSpec) -> ModelSpec:
    """`spec` with its task groups in canonical order (1 for task 1's group, ...), or none for
    a variant that has no groups: one model, one spec, whichever way its groups were typed."""
    reads = spec.variant in VARIANTS and VARIANTS[spec.variant].reads_groups
    labels = spec.task_groups if reads else ()
    if labels and len(labels) == spec.n_tasks:
        labels = labels_of(groups_of(labels, spec.n_tasks))
    return spec if labels == spec.task_groups else spec.replace(task_groups=labels)


def validate(spec: ModelSpec) -> ModelSpec:
    """Raise `SpecError` naming what to change if `spec` cannot or should not be built.

    The fields' own bounds (`ModelSpec.validate`), then what depends on the variant: that it
    exists, its own check, its `k` range and the parameter cap. Every caller uses this one.
    """
    spec.validate()
    if spec.variant not in VARIANTS:
        raise SpecError(f"Unknown variant {spec.variant!r}; choose one of {', '.join(VARIANTS)}.")
    variant = VARIANTS[spec.variant]
    variant.check(spec)
    low, high = variant.shared_range(spec)
    if not low <= spec.shared_layers <= high:
        raise SpecError(
            f"Shared layers must be between {low} and {high} for {variant.label}; "
            f"got {spec.shared_layers}."
        )
    params = variant.count_params(spec)
    if params > MAX_PARAMS:
        raise SpecError(
            f"This model would have {params:,} parameters, over the limit of {MAX_PARAMS:,}: "
            "use fewer filters or units, fewer features or a longer kernel."
        )
    return spec


def build_model(spec: ModelSpec):
    """Validate `spec` and build its Keras functional model, its `frozen` layers frozen."""
    model = VARIANTS[validate(spec).variant].build(spec)
    for name in spec.frozen:
        try:
            layer = model.get_layer(name)
        except ValueError:
            raise SpecError(f"This model has no layer object named {name!r} to freeze.") from None
        layer.trainable = False  # the object's flag: every call of it stops training
    return model
