"""URL values <-> settings, generically: parsers that say what is wrong with a value (and
what replaces it), and the loops that decode and encode a schema of parameters."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass


class BadValue(ValueError):
    """A URL value that cannot be used; `fallback` (if not None) replaces it."""

    def __init__(self, message: str, fallback=None):
        super().__init__(message)
        self.fallback = fallback


@dataclass(frozen=True)
class Param:
    """One URL parameter: its key, the setting it fills, and how to read and write it."""

    key: str
    field: str
    parse: Callable[[str], object]
    format: Callable[[object], str] = str


def _bounded(convert, kind: str, low, high, show) -> Callable[[str], object]:
    """Parser for a finite `kind` in [low, high]; out of range clamps (with a warning)."""

    def parse(text: str):
        try:
            value = convert(text.strip())
        except ValueError:
            raise BadValue(f"{text!r} is not a {kind}") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise BadValue(f"{text!r} is not a finite {kind}")
        if not low <= value <= high:
            raise BadValue(
                f"{show(value)} is outside {show(low)}–{show(high)}",
                fallback=min(max(value, low), high),
            )
        return value

    return parse


def integer(low: int, high: int) -> Callable[[str], int]:
    """Parser for a whole number in [low, high]."""
    return _bounded(int, "whole number", low, high, str)


def number(
    low: float, high: float, show: Callable[[float], str] = "{:g}".format
) -> Callable[[str], float]:
    """Parser for a finite number in [low, high]; `show` writes numbers in its warnings."""
    return _bounded(float, "number", low, high, show)


def integer_list(low: int, high: int, min_len: int, max_len: int) -> Callable[[str], tuple]:
    """Parser for a comma list like '8,16,32' of whole numbers in [low, high]."""
    return _list_of(integer(low, high), "whole numbers", low, high, min_len, max_len)


def number_list(low: float, high: float, min_len: int, max_len: int, show=str) -> Callable:
    """Parser for a comma list like '1,1,2.5,1' of finite numbers in [low, high]."""
    item = number(low, high, show)
    return _list_of(item, "numbers", show(low), show(high), min_len, max_len)


def _list_of(item, kind: str, low, high, min_len: int, max_len: int) -> Callable[[str], tuple]:
    def parse(text: str) -> tuple:
        parts = [p for p in text.split(",") if p.strip()]
        if not min_len <= len(parts) <= max_len:
            raise BadValue(f"needs {min_len} to {max_len} comma-separated {kind}")
        try:
            return tuple(item(p) for p in parts)
        except BadValue:
            raise BadValue(f"{text!r} is not a list of {kind} in {low}–{high}") from None

    return parse


def choice(options: tuple[str, ...]) -> Callable[[str], str]:
    """Parser for one of a fixed set of names."""

    def parse(text: str) -> str:
        if text not in options:
            raise BadValue(f"{text!r} is not one of {', '.join(options)}")
        return text

    return parse


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def flag(text: str) -> bool:
    """Parser for an on/off switch such as `present=1`."""
    word = text.strip().lower()
    if word not in TRUE_WORDS + FALSE_WORDS:
        raise BadValue(f"{text!r} is not 1 or 0", fallback=False)
    return word in TRUE_WORDS


def flag_text(value: object) -> str:
    return "1" if value else "0"


def join(values, show: Callable[[object], str] = str) -> str:
    return ",".join(show(v) for v in values)


def parse_each(raw: Mapping, schema, name_of) -> list[tuple[Param, object, BadValue | None]]:
    """(param, parsed value or None, the problem or None) for each param of `schema` that
    `raw` holds under `name_of(param)`."""
    parsed = []
    for p in schema:
        if name_of(p) not in raw:
            continue
        try:
            parsed.append((p, p.parse(str(raw[name_of(p)])), None))
        except BadValue as error:
            parsed.append((p, None, error))
    return parsed


def decode(params: Mapping[str, str], schema, defaults: Mapping[str, object]):
    """Read `schema` from `params`: (values by field, warnings). Missing keys take defaults."""
    values, warnings = dict(defaults), []
    for p, value, error in parse_each(params, schema, lambda p: p.key):
        if error is None:
            values[p.field] = value
            continue
        if error.fallback is not None:
            values[p.field] = error.fallback
        kept = p.format(values[p.field]) or "none"
        warnings.append(f"URL parameter `{p.key}`: {error}; using {kept}.")
    return values, warnings


def encode(values: Mapping[str, object], schema) -> dict[str, str]:
    """Write the fields of `schema` from `values` as URL strings."""
    return {p.key: p.format(values[p.field]) for p in schema}
