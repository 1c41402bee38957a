"""One layer object, call by call: what each call computes for one window, and each call's and
each task's part of the object's gradient.

Keras keeps one node per call of a layer object; `layer.output` answers for the first node only
(keras-team/keras #23238), so a shared layer's other calls are read here from their own nodes.
The gradient of a weight used by several calls is the sum of one part per call: the part of call
i is the vector-Jacobian product of that call alone, `d(call i's output)/d(weight)` applied to
`d(loss)/d(call i's output)`. Computed for each task's loss separately, the parts also say which
task pulls the shared weight where; they add up to the gradient Keras computes (checked).

Runs in the Keras lane's worker (`models.workers.lane_work`) and returns plain numpy data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.architectures.variants import VARIANTS
from models.codegen.source import call_output_name
from models.lab.common import Check, max_abs_diff
from models.spec import ModelSpec
from models.training.seeded import seeded_build

MAX_CHANNELS = 256  # a heatmap's rows, at most
MAX_ACTIVATION_VALUES = 64 * MAX_CHANNELS  # per call: the heatmap's time steps x channels


@dataclass(frozen=True)
class CallView:
    """One call of the inspected layer object."""

    number: int  # 1-based, in the order Keras made the calls (its node order)
    input_shape: str  # batch axis included, as in the graph: "(None, 10, 1)"
    output_shape: str
    activations: np.ndarray  # (steps, channels) of one window: a Dense call's is (1, units)
    gradient_by_task: tuple[float, ...]  # the L2 norm of this call's part, per task's loss


@dataclass(frozen=True)
class CallInspection:
    """Every call of one layer object for one window, at seeded initial or trained weights."""

    layer: str
    calls: tuple[CallView, ...]
    gradient_norm: float  # of this object's gradient of the summed losses (all its weights)
    parts_add_up: Check  # the per-call, per-task parts summed against Keras' own gradient
    window: int  # which validation window
    trimmed: bool  # activations cut to fit the heatmap (long series, wide layers)


def inspect_calls(
    spec: ModelSpec,
    layer: str,
    data,
    seed: int = 0,
    weights: list[np.ndarray] | None = None,
    window: int = 0,
) -> CallInspection:
    """Each call of `spec`'s layer object named `layer`, on validation window `window` of
    `data` (anything with `materialise(spec)`): the weights a Train with `seed` starts from, or
    `weights` (a finished run's, in `model.get_weights()` order)."""
    import keras
    import tensorflow as tf

    model = seeded_build(spec, seed)
    if weights is not None:
        model.set_weights(weights)
    target = model.get_layer(layer)
    nodes = target._inbound_nodes  # one per call, in call order (Keras' public API has none)
    dataset = data.materialise(spec)
    window = min(max(window, 0), len(dataset.x_val) - 1)
    x = dataset.x_val[window : window + 1]
    y = dataset.y_val[window : window + 1]
    call_inputs = [node.input_tensors[0] for node in nodes]
    call_outputs = [node.output_tensors[0] for node in nodes]
    probe = keras.Model(model.inputs, [*_as_list(model.outputs), *call_inputs, *call_outputs])
    n_tasks, n_calls = spec.n_tasks, len(nodes)
    variables = target.trainable_weights
    with tf.GradientTape(persistent=True) as tape:
        values = probe(_as_list(VARIANTS[spec.variant].split_inputs(spec, x)), training=False)
        predictions, ins, outs = (
            values[:n_tasks],
            values[n_tasks : n_tasks + n_calls],
            values[n_tasks + n_calls :],
        )
        losses = [tf.reduce_mean(tf.square(y[:, t, :] - predictions[t])) for t in range(n_tasks)]
        total = tf.add_n(losses)
    keras_gradient = tape.gradient(total, variables)
    parts = _parts(tape, target, losses, ins, outs, variables)  # [call][task] -> grads
    summed = [
        sum(parts[c][t][v] for c in range(n_calls) for t in range(n_tasks))
        for v in range(len(variables))
    ]
    check = Check(
        "the calls' parts summed vs Keras' gradient of the shared weights",
        max(max_abs_diff(a, b) for a, b in zip(summed, keras_gradient, strict=True))
        if variables
        else 0.0,
    )
    del tape
    views, trimmed = [], False
    for c, node in enumerate(nodes):
        act = _heatmap(np.asarray(outs[c])[0])
        shown = _trim(act)
        trimmed = trimmed or shown.shape != act.shape
        views.append(
            CallView(
                number=c + 1,
                input_shape=_shape(node.input_tensors[0]),
                output_shape=_shape(node.output_tensors[0]),
                activations=shown,
                gradient_by_task=tuple(_norm(parts[c][t]) for t in range(n_tasks)),
            )
        )
    return CallInspection(
        layer=layer,
        calls=tuple(views),
        gradient_norm=_norm(keras_gradient),
        parts_add_up=check,
        window=window,
        trimmed=trimmed,
    )


def keras_output_sentence(layer: str, n_calls: int) -> str:
    """What `layer.output` gives in Keras for this layer object, and how to read one call."""
    if n_calls == 1:
        return (
            f"`{layer}` is called once: in Keras, `{layer}.output` is that call's output "
            f"(`{call_output_name(layer, 1, False)}` in the code below)."
        )
    second = call_output_name(layer, 2, True)
    return (
        f"`{layer}` is called {n_calls} times with one set of weights, and has {n_calls} "
        f"outputs. In Keras, `{layer}.output` silently returns the first call's only; to read "
        f"call 2's, build a model that ends there: `keras.Model(model.inputs, {second})` "
        f"in the code below (on a loaded model, `{layer}._inbound_nodes[1].output_tensors[0]`)."
    )


def _parts(tape, target, losses, ins, outs, variables) -> list[list[list]]:
    """[call][task] -> that call's part of that task's gradient of `variables`: the call
    replayed on its own input, its output's gradient pulled back to the weights."""
    import tensorflow as tf

    parts = []
    for call_input, call_output in zip(ins, outs, strict=True):
        upstream = [tape.gradient(loss, call_output) for loss in losses]
        with tf.GradientTape(persistent=True) as replay:
            again = target(call_input)  # the same weights and input: the same output
        per_task = []
        for grad in upstream:
            if grad is None:  # this call does not reach that task's head
                per_task.append([tf.zeros_like(v) for v in variables])
            else:
                per_task.append(replay.gradient(again, variables, output_gradients=grad))
        del replay
        parts.append(per_task)
    return parts


def _as_list(outputs) -> list:
    return list(outputs) if isinstance(outputs, list | tuple) else [outputs]


def _heatmap(values: np.ndarray) -> np.ndarray:
    """One window's output as (steps, channels): a Dense call's (units,) becomes (1, units)."""
    values = np.asarray(values, dtype=np.float32)
    return values.reshape(1, -1) if values.ndim == 1 else values.reshape(values.shape[0], -1)


def _trim(values: np.ndarray) -> np.ndarray:
    """The last steps and first channels that fit MAX_ACTIVATION_VALUES: the page's heatmap."""
    channels = min(values.shape[1], MAX_CHANNELS)
    steps = max(1, min(values.shape[0], MAX_ACTIVATION_VALUES // channels))
    return values[-steps:, :channels].copy()


def _shape(tensor) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in tensor.shape) + ")"


def _norm(arrays) -> float:
    return float(np.sqrt(sum(float(np.sum(np.square(np.asarray(a)))) for a in arrays)))
