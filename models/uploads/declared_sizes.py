"""Sizes as a `.keras` config declares them, read strictly: whole numbers in range, shapes of
at most MAX_RANK sizes. Whatever Keras itself would not accept is refused here, by name.

Messages start in lower case without a full stop: the caller puts the layer's name before them.
"""

from __future__ import annotations

from models.uploads.limits import MAX_DIMENSION, ModelUploadError

Shape = tuple[int | None, ...]  # None where Keras leaves a size open (the batch, a time axis)
MAX_RANK = 16  # TensorFlow's tensors have at most 8 axes in practice; a longer shape is a lie


class UnknownSize(Exception):
    """A size a layer's weights depend on is not known from the shapes at hand."""


def whole(value: object, key: str, low: int = 1) -> int:
    """`value` as a size Keras accepts: a whole number from `low` to MAX_DIMENSION."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_DIMENSION:
        raise ModelUploadError(
            f"declares `{key}` = {str(value)[:40]}; it must be a whole number from {low} to "
            f"{MAX_DIMENSION:,}"
        )
    return value


def size(config: dict, key: str, default: object = ..., low: int = 1) -> int:
    """`config[key]` (or `default` when absent) as a size; refused when absent without one."""
    value = config.get(key, default)
    if value is ...:
        raise ModelUploadError(f"declares no `{key}`")
    return whole(value, key, low)


def sizes(config: dict, key: str, rank: int, default: object = ..., low: int = 1) -> tuple:
    """One size per spatial axis (`kernel_size`: 3 or [3, 3]), `rank` of them."""
    value = config.get(key, default)
    if value is ...:
        raise ModelUploadError(f"declares no `{key}`")
    values = value if isinstance(value, list) else [value] * rank
    if len(values) != rank:
        raise ModelUploadError(f"declares `{key}` = {str(value)[:40]}; it needs {rank} sizes")
    return tuple(whole(v, key, low) for v in values)


def flag(config: dict, key: str) -> int:
    """1 if the boolean option `key` (true by default: use_bias, center, scale) is on."""
    return 0 if config.get(key, True) is False else 1


def known(value: int | None) -> int:
    """A size the weights need: UnknownSize if the shapes leave it open."""
    if value is None:
        raise UnknownSize
    return value


def shape_of(value: object, key: str = "shape") -> Shape | None:
    """A declared shape ([null, 10, 3]) as a tuple, None if absent; refused if malformed."""
    if value is None:
        return None
    if isinstance(value, dict):  # Keras writes a tuple as {"class_name": "__tuple__", ...}
        value = value.get("config", {}).get("value") if value.get("class_name") else None
    if not isinstance(value, list) or len(value) > MAX_RANK:
        raise ModelUploadError(f"declares `{key}` = {str(value)[:60]}, which is not a shape")
    return tuple(None if s is None else whole(s, key, low=0) for s in value)


def shapes_of(value: object, key: str = "input_shape") -> list[Shape]:
    """One shape or a list of shapes (a layer with several inputs) as a list of shapes."""
    if isinstance(value, list) and value and all(isinstance(v, list | dict) for v in value):
        return [s for v in value if (s := shape_of(v, key)) is not None]
    shape = shape_of(value, key)
    return [] if shape is None else [shape]


def broadcast(inputs: list[Shape]) -> Shape:
    """The shape of an elementwise result (Add, Multiply, ...), as NumPy broadcasts."""
    rank = max(len(s) for s in inputs)
    padded = [(1,) * (rank - len(s)) + tuple(s) for s in inputs]
    out = []
    for column in zip(*padded, strict=True):
        big = [s for s in column if s != 1]
        out.append(1 if not big else None if None in big else max(big))
    return tuple(out)


def merged(real: Shape | None, declared: Shape | None) -> Shape | None:
    """A tensor's shape: what the walk worked out, its open sizes filled in from what the file
    declares. The file's own figures never override a size worked out from the layers."""
    if real is None or declared is None or len(real) != len(declared):
        return real if real is not None else declared
    return tuple(d if r is None else r for r, d in zip(real, declared, strict=True))
