"""Settings <-> URL query string (a dict of strings), with a warning for every bad value.

A tampered or stale link never breaks the page: each bad parameter is named in a warning and
replaced by a valid value (the default, or the nearest allowed number).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields
from functools import partial

from models.architectures.variants import VARIANTS, clamp_k
from models.settings import (
    CHOICE,
    COMPARE,
    FLOAT,
    FLOAT_LIST,
    INT_LIST,
    NAME_LIST,
    RUN_SETTINGS,
    SPEC_SETTINGS,
    Setting,
    problem,
    show,
)
from models.spec import ModelSpec
from models.urlcodec import (
    BadValue,
    Param,
    choice,
    decode,
    encode,
    integer,
    integer_list,
    join,
    number,
    number_list,
)

# The registry, not the table, names the variants; `k` takes any whole number here, its range
# depending on the variant (see `spec_from_query`).
REGISTRY_CHOICES = {"variant": tuple(VARIANTS)}
ANY_WHOLE_NUMBER = (-(2**31), 2**31)


def name_list(setting: Setting) -> Callable[[str], tuple[str, ...]]:
    """Parser for a comma list of layer names, each once ('conv1,dense1')."""

    def parse(text: str) -> tuple[str, ...]:
        names = tuple(dict.fromkeys(p.strip() for p in text.split(",") if p.strip()))
        if found := problem(setting, names, setting.key):
            raise BadValue(found)
        return names

    return parse


def param_of(setting: Setting) -> Param:
    """The URL parameter of a setting of the table: its key, field, bounds and text form."""
    key, field, low, high = setting.key, setting.field, setting.low, setting.high
    if setting.kind == CHOICE:
        return Param(key, field, choice(REGISTRY_CHOICES.get(key, setting.choices)))
    if setting.kind == INT_LIST:
        return Param(key, field, integer_list(low, high, setting.min_len, setting.max_len), join)
    if setting.kind == NAME_LIST:
        return Param(key, field, name_list(setting), join)
    if setting.kind == FLOAT_LIST:
        parse = number_list(low, high, setting.min_len, setting.max_len, show)
        return Param(key, field, parse, partial(join, show=show))
    if setting.kind == FLOAT:
        return Param(key, field, number(low, high, show), show)
    return Param(key, field, integer(*((low, high) if low is not None else ANY_WHOLE_NUMBER)))


SPEC_PARAMS = tuple(param_of(s) for s in SPEC_SETTINGS)
TRAIN_PARAMS = tuple(param_of(s) for s in RUN_SETTINGS)
TRAIN_DEFAULTS = {s.field: s.default for s in RUN_SETTINGS}


def spec_to_query(spec: ModelSpec) -> dict[str, str]:
    """The URL parameters that reproduce `spec`."""
    return encode({f.name: getattr(spec, f.name) for f in fields(spec)}, SPEC_PARAMS)


def spec_from_query(params: Mapping[str, str]) -> tuple[ModelSpec, list[str]]:
    """A spec from URL parameters, and a warning for every parameter that had to be replaced.

    `k` is checked against its own variant's range (hard's 0–5, not a range for every
    variant). Combinations that no single value explains (a kernel too long for the sequence,
    too many parameters) are left for `models.architectures.variants.validate`, whose error
    says what to change.
    """
    defaults = {f.name: getattr(ModelSpec(), f.name) for f in fields(ModelSpec)}
    values, warnings = decode(params, SPEC_PARAMS, defaults)
    spec = ModelSpec(**values)
    nearest = clamp_k(spec)
    if nearest.shared_layers != spec.shared_layers:
        low, high = VARIANTS[spec.variant].shared_range(spec)
        warnings.append(
            f"URL parameter `k`: {spec.shared_layers} is outside {low}–{high} for the "
            f"{spec.variant} variant; using {nearest.shared_layers}."
        )
    return nearest, warnings


# The settings edited as comma text in the page ("8, 16, 32"), those picked from a list (a
# multiselect holds a list; a spec holds a hashable tuple), the rest as they are.
LIST_FIELDS = tuple(s.field for s in SPEC_SETTINGS if s.kind == INT_LIST)
PICKED_FIELDS = tuple(s.field for s in SPEC_SETTINGS if s.kind == NAME_LIST)
TRAIN_LIST_FIELDS = tuple(s.field for s in RUN_SETTINGS if s.kind == FLOAT_LIST)
_LIST_PARAMS = {
    p.field: p for p in (*SPEC_PARAMS, *TRAIN_PARAMS) if p.field in LIST_FIELDS + TRAIN_LIST_FIELDS
}


def list_text(values) -> str:
    """A list setting as its text box shows it: "8, 16, 32", "1, 2.5"."""
    return ", ".join(show(v) for v in values)


def list_from_text(
    field: str, text: str, kept: tuple[int, ...]
) -> tuple[tuple[int, ...], str | None]:
    """A list setting's text read once, where it is typed: (its list, None), or (`kept`, a
    problem saying why the text was refused and that `kept` stays)."""
    param = _LIST_PARAMS[field]
    try:
        return param.parse(text), None
    except BadValue as error:
        keeping = param.format(kept) or "none"
        return kept, f"{param.key.capitalize()}: {error}; keeping {keeping}."


def training_from_query(params: Mapping[str, str]) -> tuple[dict, list[str]]:
    """Training and data settings (by field name) from URL parameters, with warnings."""
    return decode(params, TRAIN_PARAMS, TRAIN_DEFAULTS)


def training_to_query(values: Mapping[str, object]) -> dict[str, str]:
    """URL parameters for training and data settings given by field name."""
    return encode(values, TRAIN_PARAMS)


def compare_list(text: str) -> tuple[tuple[str, int, tuple[int, ...]], ...]:
    """Parser for a Compare list such as "hard.5,towers.1,branched.2.1-1-2-2": (variant, k,
    task groups) per configuration; the groups (one number per task, joined by "-") only where
    the variant has them, else empty."""
    items = []
    for item in (part.strip() for part in text.split(",") if part.strip()):
        variant, _, rest = item.partition(".")
        k, _, groups = rest.partition(".")
        numbers = groups.split("-") if groups else []
        if (
            variant not in VARIANTS
            or not k.lstrip("-").isdigit()
            or not all(n.isdigit() for n in numbers)
            or (numbers and not VARIANTS[variant].reads_groups)
        ):
            raise BadValue(f"{item!r} is not <variant>.<k> (e.g. towers.1, branched.2.1-1-2-2)")
        items.append((variant, int(k), tuple(int(n) for n in numbers)))
    if not COMPARE.min_len <= len(items) <= COMPARE.max_len:
        raise BadValue(f"needs {COMPARE.min_len} to {COMPARE.max_len} {COMPARE.items}")
    return tuple(items)


def compare_text(items) -> str:
    """A Compare list as its link writes it: "hard.5,towers.1,branched.2.1-1-2-2"."""
    return ",".join(
        f"{variant}.{k}" + (f".{'-'.join(map(str, groups))}" if groups else "")
        for variant, k, groups in items
    )


def shortened(query: dict[str, str], defaults: dict[str, str]) -> dict[str, str]:
    """`query` without the page parameters that hold their usual value (`defaults`: key ->
    that value, as the link writes it) or none: the usual view keeps its links short."""
    return {
        key: value
        for key, value in query.items()
        if not (key in defaults and value in (defaults[key], ""))
    }
