"""Lab demo 1: a shared Conv1D per feature vs one Conv1D on all features vs a tied grouped conv."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.architectures.variants import per_feature
from models.lab.common import (
    SEED,
    TOLERANCE,
    Check,
    Unavailable,
    describe,
    max_abs_diff,
    random_batch,
    seed_keras,
)
from models.spec import ModelSpec

CONV_TITLE = "1 · One shared Conv1D per feature vs one Conv1D on all features"


@dataclass(frozen=True)
class ConvComparison:
    """Demo 1: a shared Conv1D per feature vs one Conv1D on all features vs a tied grouped conv."""

    title: str
    kernels: pd.DataFrame  # one row per layer: input, kernel shape, params, mixes features
    shared_params: int
    full_params: int
    grouped_matches_shared: Check
    perturbed_feature: int  # 1-based
    full_changed: int  # of `filters` output channels of the all-features conv
    shared_own_changed: int  # of `filters` channels of the perturbed feature's output
    shared_other_changed: int  # of (n_features - 1) * filters channels of the others
    shared_other_max_change: float
    mixing: pd.DataFrame
    explanation: str


def _kernel_row(layer, name: str, input_shape: str, mixes: str) -> dict:
    return {
        "Layer": name,
        "Input": input_shape,
        "Kernel shape": str(tuple(layer.kernel.shape)),
        "Parameters": int(layer.count_params()),
        "Mixes features": mixes,
    }


def _changed_channels(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Per output channel (last axis): did any position change by more than TOLERANCE?"""
    change = np.abs(after - before).reshape(-1, before.shape[-1])
    return change.max(axis=0) > TOLERANCE


def conv_comparison(spec: ModelSpec, seed: int = SEED) -> ConvComparison | Unavailable:
    """Kernel shapes and counts of the two first layers, the grouped-conv identity and mixing."""
    title = CONV_TITLE
    if not spec.conv_filters:
        return Unavailable(title, "The current sizes have no conv layers: add conv filters.")
    from keras import layers

    seed_keras(seed)
    n, filters, kernel = spec.n_features, spec.conv_filters[0], spec.kernel_size
    x = random_batch(spec, seed)
    # Linear layers: the mixing is in the kernel; an activation could only hide a change.
    shared = layers.Conv1D(filters, kernel, name="shared_conv")
    full = layers.Conv1D(filters, kernel, name="all_features_conv")
    grouped = layers.Conv1D(n * filters, kernel, groups=n, name="grouped_conv")
    shared_out = np.stack(
        [np.asarray(shared(v)) for v in per_feature(x, n)], axis=2
    )  # (B, L, n, F)
    full_out = np.asarray(full(x))
    grouped(x)
    # Tie the n group kernels to the shared kernel. Grouped outputs are ordered by group:
    # channel g * filters + j is group g's filter j, so tiling along the last axis matches.
    k, b = shared.get_weights()
    grouped.set_weights([np.tile(k, (1, 1, n)), np.tile(b, n)])
    grouped_out = np.asarray(grouped(x)).reshape(shared_out.shape)
    tied = Check(
        "tied grouped conv vs shared conv, all features", max_abs_diff(grouped_out, shared_out)
    )

    feature = min(1, n - 1)  # feature 2, or feature 1 when there is only one
    moved = x.copy()
    moved[..., feature] += 1.0
    full_changed = _changed_channels(full_out, np.asarray(full(moved)))
    shared_moved = np.stack([np.asarray(shared(v)) for v in per_feature(moved, n)], axis=2)
    delta = np.abs(shared_moved - shared_out)
    own = _changed_channels(shared_out[:, :, feature], shared_moved[:, :, feature])
    others = np.delete(delta, feature, axis=2)
    if others.size:  # (B, L, n - 1, filters): count changed channels over batch and steps
        other_changed = int((others.reshape(-1, (n - 1) * filters) > TOLERANCE).any(0).sum())
        other_max = float(others.max())
    else:  # a single feature: there are no other outputs
        other_changed, other_max = 0, 0.0

    kernels = pd.DataFrame(
        [
            _kernel_row(
                shared,
                "Shared Conv1D (one object, called per feature)",
                f"({spec.timesteps}, 1) × {n}",
                "no",
            ),
            _kernel_row(
                full, "Conv1D on all features (model 1)", f"({spec.timesteps}, {n})", "yes"
            ),
            _kernel_row(grouped, f"Grouped Conv1D, groups = {n}", f"({spec.timesteps}, {n})", "no"),
        ]
    )
    p = feature + 1
    full_changed_count = int(full_changed.sum())
    mixing = pd.DataFrame(
        [
            ["Conv1D on all features", filters, full_changed_count],
            [f"Shared Conv1D: feature {p}'s outputs", filters, int(own.sum())],
            ["Shared Conv1D: every other feature's outputs", (n - 1) * filters, other_changed],
        ],
        columns=["Outputs", "Channels", f"Channels changed when feature {p} changes"],
    )
    shared_params, full_params = int(shared.count_params()), int(full.count_params())
    explanation = (
        f"Calling one Conv1D({filters}, {kernel}) object on each single-feature input uses one "
        f"kernel of shape {tuple(k.shape)}: {shared_params} parameters, whatever the number of "
        f"features. Model 1's Conv1D sees all {n} features at once, so its kernel is "
        f"{tuple(full.kernel.shape)} ({full_params} parameters) and every output channel is a "
        f"weighted sum over all features: nudging feature {p} changed "
        f"{full_changed_count} of its {filters} channels, while the shared layer changed "
        f"only feature {p}'s own outputs ({other_changed} channels elsewhere, largest change "
        f"{other_max:g}). The shared layer is exactly a grouped convolution with groups = {n} "
        f"whose {n} group kernels are forced to be equal: set that way, the grouped conv "
        f"reproduces the shared layer's outputs ({describe(tied)}). The two layers are "
        "therefore not the same layer: one mixes features, the other treats each one alone."
    )
    return ConvComparison(
        title=title,
        kernels=kernels,
        shared_params=shared_params,
        full_params=full_params,
        grouped_matches_shared=tied,
        perturbed_feature=p,
        full_changed=full_changed_count,
        shared_own_changed=int(own.sum()),
        shared_other_changed=other_changed,
        shared_other_max_change=other_max,
        mixing=mixing,
        explanation=explanation,
    )
