"""Convolutions, pooling, padding, cropping and upsampling in 1, 2 and 3 dimensions: their
parameters and output shapes as Keras 3 builds them (see `models.uploads.layer_rules`)."""

from __future__ import annotations

import math

from models.uploads.declared_sizes import Shape, flag, known, size, sizes, whole
from models.uploads.limits import ModelUploadError


def _split(shape: Shape, rank: int, config: dict) -> tuple[int | None, Shape]:
    """(channels, spatial sizes) of an input."""
    if len(shape) != rank + 2:
        raise ModelUploadError(f"expects inputs of rank {rank + 2}; got {shape}")
    if config.get("data_format") == "channels_first":
        return shape[1], shape[2:]
    return shape[-1], shape[1:-1]


def _join(batch, channels, spatial, config) -> Shape:
    if config.get("data_format") == "channels_first":
        return (batch, channels, *spatial)
    return (batch, *spatial, channels)


def _strided(length: int | None, reach: int, stride: int, padding: object) -> int | None:
    if length is None:
        return None
    if padding == "valid":
        return max(0, (length - reach) // stride + 1)
    return -(-length // stride)  # "same" and "causal": ceil(length / stride)


def _transposed(length, reach, stride, padding, extra) -> int | None:
    """Keras' `deconv_output_length`."""
    if length is None:
        return None
    if extra is None:
        return length * stride + (max(reach - stride, 0) if padding == "valid" else 0)
    pad = reach // 2 if padding == "same" else 0
    return max(0, (length - 1) * stride + reach - 2 * pad + extra)


def _conv(rank: int, kind: str = "conv"):
    """Conv, ConvTranspose, DepthwiseConv and SeparableConv layers of `rank` dimensions."""

    def rule(config, inputs):
        channels, spatial = _split(inputs[0], rank, config)
        kernel = sizes(config, "kernel_size", rank)
        strides = sizes(config, "strides", rank, 1)
        dilation = sizes(config, "dilation_rate", rank, 1)
        padding, window = config.get("padding", "valid"), math.prod(kernel)
        reach = [d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True)]
        if kind == "transpose":
            extra = config.get("output_padding")
            extra = [None] * rank if extra is None else sizes(config, "output_padding", rank, low=0)
            steps = zip(spatial, reach, strides, extra, strict=True)
            lengths = [_transposed(n, r, s, padding, e) for n, r, s, e in steps]
        else:
            lengths = [_strided(*a, padding) for a in zip(spatial, reach, strides, strict=True)]
        c = known(channels)
        if kind in ("depthwise", "separable"):
            depth = size(config, "depth_multiplier", 1)
            params, out = window * c * depth, c * depth
            if kind == "separable":
                out = size(config, "filters")
                params += c * depth * out
        else:
            out = size(config, "filters")
            groups = size(config, "groups", 1) if kind == "conv" else 1
            params = window * max(c // groups, 1) * out
        return params + flag(config, "use_bias") * out, [_join(inputs[0][0], out, lengths, config)]

    return rule


def _pool(rank: int):
    def rule(config, inputs):
        channels, spatial = _split(inputs[0], rank, config)
        window = sizes(config, "pool_size", rank, 2)
        strides = window if config.get("strides") is None else sizes(config, "strides", rank)
        padding = config.get("padding", "valid")
        lengths = [_strided(*a, padding) for a in zip(spatial, window, strides, strict=True)]
        return 0, [_join(inputs[0][0], channels, lengths, config)]

    return rule


def _global_pool(rank: int):
    def rule(config, inputs):
        channels, _ = _split(inputs[0], rank, config)
        if config.get("keepdims"):
            return 0, [_join(inputs[0][0], channels, [1] * rank, config)]
        return 0, [(inputs[0][0], channels)]

    return rule


def _pad(rank: int, sign: int, key: str):
    """ZeroPadding (sign 1) and Cropping (sign -1): `key` is one size, or one or a pair per
    axis."""

    def rule(config, inputs):
        channels, spatial = _split(inputs[0], rank, config)
        value = config.get(key, 1)
        pairs = value if isinstance(value, list) and len(value) == rank else [value] * rank
        lengths = []
        for length, pair in zip(spatial, pairs, strict=True):
            ends = pair if isinstance(pair, list) else [pair, pair]
            total = sum(whole(end, key, low=0) for end in ends)
            lengths.append(None if length is None else max(0, length + sign * total))
        return 0, [_join(inputs[0][0], channels, lengths, config)]

    return rule


def _upsample(rank: int):
    def rule(config, inputs):
        channels, spatial = _split(inputs[0], rank, config)
        factors = sizes(config, "size", rank, 2)
        lengths = [None if n is None else n * f for n, f in zip(spatial, factors, strict=True)]
        return 0, [_join(inputs[0][0], channels, lengths, config)]

    return rule


SPATIAL_RULES = {}
for _rank in (1, 2, 3):
    SPATIAL_RULES[f"Conv{_rank}D"] = _conv(_rank)
    SPATIAL_RULES[f"Conv{_rank}DTranspose"] = _conv(_rank, "transpose")
    SPATIAL_RULES[f"ZeroPadding{_rank}D"] = _pad(_rank, 1, "padding")
    SPATIAL_RULES[f"Cropping{_rank}D"] = _pad(_rank, -1, "cropping")
    SPATIAL_RULES[f"UpSampling{_rank}D"] = _upsample(_rank)
    for _kind in ("Max", "Average"):
        SPATIAL_RULES[f"{_kind}Pooling{_rank}D"] = _pool(_rank)
        SPATIAL_RULES[f"Global{_kind}Pooling{_rank}D"] = _global_pool(_rank)
for _rank in (1, 2):
    SPATIAL_RULES[f"DepthwiseConv{_rank}D"] = _conv(_rank, "depthwise")
    SPATIAL_RULES[f"SeparableConv{_rank}D"] = _conv(_rank, "separable")
