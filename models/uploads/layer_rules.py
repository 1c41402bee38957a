"""What one layer of a `.keras` config declares: its parameters and its outputs' shapes, worked
out from its config and its inputs' shapes the way Keras 3 builds it, without Keras.

A rule takes (config, input shapes) and returns (parameters, output shapes); it raises
`UnknownSize` when a size its weights need is open, `ModelUploadError` for a value Keras
would not accept either. Kinds without a rule are left to `models.uploads.config_scan`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from models.uploads.declared_sizes import Shape, broadcast, flag, known, size, whole
from models.uploads.limits import ModelUploadError
from models.uploads.spatial_rules import SPATIAL_RULES

Rule = Callable[[dict, list[Shape]], tuple[int, list[Shape]]]


def _axes(config: dict, shape: Shape) -> list[int]:
    axis = config.get("axis", -1)
    axes = axis if isinstance(axis, list) else [axis]
    for a in axes:
        if isinstance(a, bool) or not isinstance(a, int) or not -len(shape) <= a < len(shape):
            raise ModelUploadError(f"declares `axis` = {str(axis)[:40]} for inputs {shape}")
    return axes


def _normalization(per_size: Callable[[dict], int]) -> Rule:
    """Batch, layer, group and RMS normalisation: `per_size(config)` weights per normalised
    size (gamma, beta, and a batch norm's moving mean and variance)."""

    def rule(config, inputs):
        axes = _axes(config, inputs[0])
        return per_size(config) * math.prod(known(inputs[0][a]) for a in axes), inputs[:1]

    return rule


def _adapted_normalization(config, inputs):
    """`Normalization`: mean and variance are weights (plus a count) unless the config holds
    them as constants, as keras.applications' do."""
    if config.get("mean") is not None:
        return 0, inputs[:1]
    axes = _axes(config, inputs[0])
    return 2 * math.prod(known(inputs[0][a]) for a in axes) + 1, inputs[:1]


def _dense(config, inputs):
    units, shape = size(config, "units"), inputs[0]
    return (known(shape[-1]) + flag(config, "use_bias")) * units, [shape[:-1] + (units,)]


def _embedding(config, inputs):
    dim = size(config, "output_dim")
    return size(config, "input_dim") * dim, [inputs[0] + (dim,)]


def _flatten(config, inputs):
    rest = inputs[0][1:]
    return 0, [(inputs[0][0], None if None in rest else math.prod(rest))]


def _reshape(config, inputs):
    target = config.get("target_shape")
    if not isinstance(target, list):
        raise ModelUploadError("declares no list `target_shape`")
    sizes = [whole(s, "target_shape", low=-1) for s in target]
    if sizes.count(-1) == 1:
        rest, given = inputs[0][1:], math.prod(s for s in sizes if s != -1)
        total = None if None in rest else math.prod(rest)
        sizes[sizes.index(-1)] = None if total is None or not given else total // given
    return 0, [(inputs[0][0], *sizes)]


def _permute(config, inputs):
    dims = [whole(d, "dims") for d in config["dims"]]
    return 0, [(inputs[0][0], *(inputs[0][d] for d in dims))]


def _concatenate(config, inputs):
    axis = _axes(config, inputs[0])[0]
    joined = [s[axis] for s in inputs]
    shape = list(inputs[0])
    shape[axis] = None if None in joined else sum(joined)
    return 0, [tuple(shape)]


def _prelu(config, inputs):
    shared = config.get("shared_axes") or []
    shared = shared if isinstance(shared, list) else [shared]
    return math.prod(1 if a in shared else known(n) for a, n in enumerate(inputs[0]) if a), inputs[
        :1
    ]


_GATES = {"SimpleRNN": 1, "GRU": 3, "LSTM": 4}


def _recurrent(kind: str) -> Rule:
    def rule(config, inputs):
        units, gates, shape = size(config, "units"), _GATES[kind], inputs[0]
        bias = gates * units * flag(config, "use_bias")
        if kind == "GRU" and flag(config, "reset_after"):
            bias *= 2  # separate input and recurrent biases
        params = gates * (known(shape[-1]) + units) * units + bias
        main = (shape[0], shape[1], units) if config.get("return_sequences") else (shape[0], units)
        states = (2 if kind == "LSTM" else 1) if config.get("return_state") else 0
        return params, [main] + [(shape[0], units)] * states

    return rule


def _inner(config: dict, key: str, shape: Shape) -> tuple[int, list[Shape]]:
    """A wrapped layer's (parameters, outputs) on `shape` (Bidirectional, TimeDistributed)."""
    inner = config.get(key)
    if not isinstance(inner, dict) or not isinstance(inner.get("config"), dict):
        raise ModelUploadError(f"wraps no layer config under `{key}`")
    rule = RULES.get(inner.get("class_name"))
    if rule is None:
        raise ModelUploadError(f"wraps a `{str(inner.get('class_name'))[:40]}` layer")
    return rule(inner["config"], [shape])


def _bidirectional(config, inputs):
    forward, outputs = _inner(config, "layer", inputs[0])
    backward, _ = _inner(
        config, "backward_layer" if config.get("backward_layer") else "layer", inputs[0]
    )
    main = outputs[0]
    if config.get("merge_mode", "concat") == "concat":
        main = main[:-1] + (None if main[-1] is None else 2 * main[-1],)
    return forward + backward, [main] + outputs[1:] * 2


def _time_distributed(config, inputs):
    shape = inputs[0]
    params, outputs = _inner(config, "layer", (shape[0], *shape[2:]))
    return params, [(shape[0], shape[1], *out[1:]) for out in outputs]


def _multi_head_attention(config, inputs):
    heads, key_dim = size(config, "num_heads"), size(config, "key_dim")
    value_dim = size(config, "value_dim") if config.get("value_dim") is not None else key_dim
    query = inputs[0]
    value = inputs[1] if len(inputs) > 1 else query
    key = inputs[2] if len(inputs) > 2 else value
    out = config.get("output_shape")
    out = [known(query[-1])] if out is None else out if isinstance(out, list) else [out]
    out = tuple(whole(s, "output_shape") for s in out)
    bias = flag(config, "use_bias")
    params = (known(query[-1]) + known(key[-1]) + 2 * bias) * heads * key_dim
    params += (known(value[-1]) + bias) * heads * value_dim
    params += (heads * value_dim + bias) * math.prod(out)
    return params, [query[:-1] + out]


def _cross_stitch(config, inputs):
    return len(inputs) ** 2, inputs  # a task x task mixing matrix; each task keeps its shape


def _expert_gate(config, inputs):
    experts = size(config, "n_experts")
    return (known(inputs[0][-1]) + 1) * experts, inputs[1:2]


def _same(config, inputs):
    return 0, inputs[:1]


def _merge(config, inputs):
    return 0, [broadcast(inputs)]


RULES: dict[str, Rule] = {
    **SPATIAL_RULES,
    "Dense": _dense,
    "Embedding": _embedding,
    "Flatten": _flatten,
    "Reshape": _reshape,
    "Permute": _permute,
    "RepeatVector": lambda config, inputs: (
        0,
        [(inputs[0][0], size(config, "n"), inputs[0][-1])],
    ),
    "Concatenate": _concatenate,
    "BatchNormalization": _normalization(lambda c: 2 + flag(c, "center") + flag(c, "scale")),
    "LayerNormalization": _normalization(
        lambda c: 1 if c.get("rms_scaling") else flag(c, "center") + flag(c, "scale")
    ),
    "GroupNormalization": _normalization(lambda c: flag(c, "center") + flag(c, "scale")),
    "RMSNormalization": _normalization(lambda c: 1),
    "Normalization": _adapted_normalization,
    "PReLU": _prelu,
    # keras.applications' ConvNeXt: one scale per channel
    "LayerScale": lambda config, inputs: (known(inputs[0][-1]), inputs[:1]),
    "MultiHeadAttention": _multi_head_attention,
    "SimpleRNN": _recurrent("SimpleRNN"),
    "GRU": _recurrent("GRU"),
    "LSTM": _recurrent("LSTM"),
    "Bidirectional": _bidirectional,
    "TimeDistributed": _time_distributed,
    "CrossStitch": _cross_stitch,  # this app's own layers (models.architectures)
    "ExpertGate": _expert_gate,
}
# keras.applications' InceptionResNetV2: x + residual * scale, no weights
for _kind in ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "CustomScaleLayer"):
    RULES[_kind] = _merge
# Layers that keep their input's shape and own no weights
for _kind in (
    "Activation ReLU LeakyReLU ELU Softmax Dropout SpatialDropout1D SpatialDropout2D "
    "SpatialDropout3D GaussianDropout GaussianNoise AlphaDropout ActivityRegularization "
    "Masking Identity Rescaling UnitNormalization"
).split():
    RULES[_kind] = _same
