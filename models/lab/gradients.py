"""Lab demo 2: the gradient of a shared layer is the sum of its calls' gradients."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.architectures.presets import MODEL_2
from models.architectures.variants import build_model, per_feature
from models.lab.common import SEED, Check, describe, max_abs_diff, random_batch, seed_keras
from models.spec import ModelSpec

GRADIENT_TITLE = "2 · The gradient of a shared layer is the sum over its calls"


@dataclass(frozen=True)
class GradientSum:
    """Demo 2: the shared kernel's gradient against the sum of per-call gradients."""

    title: str
    layer: str
    n_calls: int
    loss: float
    same_outputs: Check  # the unrolled copy computes exactly what the shared model does
    sum_matches: Check
    shared_norm: float
    call_norms: tuple[float, ...]
    table: pd.DataFrame
    explanation: str


def _loss_and_gradients(model, inputs, targets, variables) -> tuple[list, float, list]:
    """Mean over tasks of the MSE, and its gradient w.r.t. `variables` (TensorFlow backend)."""
    import tensorflow as tf

    with tf.GradientTape() as tape:
        outputs = model(inputs, training=False)
        outputs = outputs if isinstance(outputs, list | tuple) else [outputs]
        losses = [tf.reduce_mean(tf.square(o - t)) for o, t in zip(outputs, targets, strict=True)]
        loss = tf.add_n(losses) / len(losses)
    grads = tape.gradient(loss, variables)
    return [np.asarray(o) for o in outputs], float(loss), [np.asarray(g) for g in grads]


def _copy_weights_unrolled(shared_model, unrolled_model, layer: str) -> list:
    """Give every per-call copy of `layer` (featureN_<layer>) the shared layer's weights."""
    copies = []
    for target in unrolled_model.layers:
        if not target.weights:
            continue
        is_copy = target.name.endswith(f"_{layer}") and target.name.startswith("feature")
        target.set_weights(shared_model.get_layer(layer if is_copy else target.name).get_weights())
        if is_copy:
            copies.append(target)
    return copies


def gradient_sum(spec: ModelSpec, seed: int = SEED) -> GradientSum:
    """Model 2's shared conv1: its gradient equals the sum of the gradients of its calls."""
    seed_keras(seed)
    model2 = MODEL_2.on(spec)
    shared_model = build_model(model2)
    unrolled_model = build_model(model2.replace(shared_layers=0))  # a conv1 per feature
    copies = _copy_weights_unrolled(shared_model, unrolled_model, "conv1")
    shared = shared_model.get_layer("conv1")
    x = per_feature(random_batch(spec, seed), spec.n_features)
    rng = np.random.default_rng(seed + 1)
    shape = (len(x[0]), spec.horizon)
    targets = [rng.normal(size=shape).astype("float32") for _ in range(spec.n_tasks)]

    out_s, loss, (g_kernel, g_bias) = _loss_and_gradients(
        shared_model, x, targets, [shared.kernel, shared.bias]
    )
    variables = [v for c in copies for v in (c.kernel, c.bias)]
    out_u, _, grads = _loss_and_gradients(unrolled_model, x, targets, variables)
    kernels, biases = grads[0::2], grads[1::2]
    same = Check(
        "separate copies vs shared layer: outputs",
        max(max_abs_diff(a, b) for a, b in zip(out_s, out_u, strict=True)),
    )
    summed = Check(
        "summed call gradients vs shared gradient",
        max(max_abs_diff(sum(kernels), g_kernel), max_abs_diff(sum(biases), g_bias)),
    )
    rows = [
        [f"call {i + 1}", f"feature{i + 1}", np.linalg.norm(k), np.linalg.norm(b)]
        for i, (k, b) in enumerate(zip(kernels, biases, strict=True))
    ]
    rows.append(
        ["sum of the calls", "all", np.linalg.norm(sum(kernels)), np.linalg.norm(sum(biases))]
    )
    rows.append(
        ["shared layer (one object)", "all", np.linalg.norm(g_kernel), np.linalg.norm(g_bias)]
    )
    table = pd.DataFrame(rows, columns=["Gradient of", "Input", "‖∂loss/∂kernel‖", "‖∂loss/∂bias‖"])
    norms = tuple(float(np.linalg.norm(k)) for k in kernels)
    explanation = (
        f"In model 2 the layer conv1 is one object called {len(copies)} times, once per feature, "
        f"so all calls read the same kernel {tuple(g_kernel.shape)}. Build the same network with "
        f"{len(copies)} separate copies of conv1 that start from the same weights and it computes "
        f"the same forecasts ({describe(same)}); its loss is {loss:.4f}. Each copy then "
        f"gets its own gradient (norms {', '.join(f'{n:.3g}' for n in norms)}), and the sum of "
        f"those gradients is the shared kernel's gradient ({describe(summed)}). That is "
        "what weight sharing means for training: every call contributes to one update of one "
        "set of weights, so a shared kernel learns what works for all features at once."
    )
    return GradientSum(
        title=GRADIENT_TITLE,
        layer="conv1",
        n_calls=len(copies),
        loss=loss,
        same_outputs=same,
        sum_matches=summed,
        shared_norm=float(np.linalg.norm(g_kernel)),
        call_norms=norms,
        table=table,
        explanation=explanation,
    )
