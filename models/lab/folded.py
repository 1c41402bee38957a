"""Lab demo 3: towers with every conv shared = one tower on features folded into the batch."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.architectures.presets import MODEL_1, TOWERS_ALL_SHARED
from models.architectures.variants import build_model, per_feature
from models.lab.common import SEED, Check, describe, max_abs_diff, random_batch, seed_keras
from models.spec import ModelSpec

FOLDED_TITLE = "3 · Every conv layer shared = one tower with the features folded into the batch"


@dataclass(frozen=True)
class FoldedTower:
    """Demo 3: all-shared towers = one tower on (N*F, T, 1); still not model 1."""

    title: str
    folded_shape: str
    fold_matches: Check
    towers_params: int
    model1_params: int
    differences: pd.DataFrame  # one row per weighted layer, both models side by side
    explanation: str


def _weighted(model) -> dict[str, object]:
    return {layer.name: layer for layer in model.layers if layer.weights}


def _difference_table(towers, model1) -> pd.DataFrame:
    ours, theirs = _weighted(towers), _weighted(model1)
    rows = []
    for name in list(theirs) + [n for n in ours if n not in theirs]:
        a, b = ours.get(name), theirs.get(name)
        shape_a = str(tuple(a.weights[0].shape)) if a else "—"
        shape_b = str(tuple(b.weights[0].shape)) if b else "—"
        params_a = int(a.count_params()) if a else 0
        params_b = int(b.count_params()) if b else 0
        rows.append([name, shape_a, shape_b, params_a, params_b, shape_a != shape_b])
    return pd.DataFrame(
        rows,
        columns=[
            "Layer",
            "Towers kernel",
            "Model 1 kernel",
            "Towers params",
            "Model 1 params",
            "Differs",
        ],
    )


def folded_tower(spec: ModelSpec, seed: int = SEED) -> FoldedTower:
    """Fold features into the batch, run one tower, unfold, compare with the towers' features."""
    import keras

    seed_keras(seed)
    towers = build_model(TOWERS_ALL_SHARED.on(spec))
    model1 = build_model(MODEL_1.on(spec))
    x = random_batch(spec, seed)
    n, t, f = x.shape
    reference = keras.Model(towers.inputs, towers.get_layer("dense1").input)(per_feature(x, f))
    tower_input = keras.Input((t, 1), name="one_feature")
    y = tower_input
    for i in range(spec.n_conv):
        y = towers.get_layer(f"conv{i + 1}")(y)  # the towers' own layer objects
    tower = keras.Model(tower_input, towers.get_layer("flatten")(y), name="one_tower")
    folded = x.transpose(0, 2, 1).reshape(n * f, t, 1)  # sample-major: row s*f + j = feature j
    unfolded = np.asarray(tower(folded)).reshape(n, -1)
    check = Check(
        "one tower on the folded batch vs the towers",
        max_abs_diff(unfolded, reference),
    )
    table = _difference_table(towers, model1)
    ours, theirs = int(towers.count_params()), int(model1.count_params())
    differ = table[table["Differs"]]
    if differ.empty:
        gap = (
            "With a single feature there is nothing to mix or concatenate, so here the two models "
            f"coincide ({ours:,} parameters each)."
        )
    else:
        where = "; ".join(
            f"{r['Layer']} {r['Towers kernel']} vs {r['Model 1 kernel']}"
            for _, r in differ.iterrows()
        )
        gap = (
            f"It is still not model 1: {ours:,} parameters against {model1.count_params():,}. "
            f"They differ in {where}: model 1's first conv mixes all {f} features and its "
            f"dense1 reads one flattened sequence, while the towers never mix features before "
            f"dense1, which reads {f} flattened towers side by side."
        )
    explanation = (
        f"When every conv layer of the towers is one shared object, each of the {f} towers "
        f"computes the same function on its own feature. That is one tower run {f} times, and "
        f"it can be run once on a batch of {n * f}: reshape ({n}, {t}, {f}) to ({n * f}, {t}, 1), "
        f"run the tower, reshape back. The result equals the towers' concatenated outputs "
        f"({describe(check)}). " + gap
    )
    return FoldedTower(
        title=FOLDED_TITLE,
        folded_shape=f"({n}, {t}, {f}) → ({n * f}, {t}, 1)",
        fold_matches=check,
        towers_params=ours,
        model1_params=theirs,
        differences=table,
        explanation=explanation,
    )
