"""Settings <-> URL query string (a dict of strings), with a warning for every bad value.

A tampered or stale link never breaks the page: each bad parameter is named in a warning and
replaced by a valid value (the default, or the nearest allowed number).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, fields

from models import spec as limits
from models.architectures.variants import VARIANTS, clamp_k
from models.spec import ModelSpec
from models.training.engine import MAX_EPOCHS, TrainConfig
from models.training.toy_data import MAX_SAMPLES, DataSpec
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
    parse_each,
)

SPEC_PARAMS = (
    Param("variant", "variant", choice(tuple(VARIANTS))),
    # Any whole number here: its range depends on the variant (see `spec_from_query`).
    Param("k", "shared_layers", integer(-(2**31), 2**31)),
    Param("features", "n_features", integer(1, limits.MAX_FEATURES)),
    # How many of the features are inputs only (the last ones); the rest are forecast.
    Param("extra", "extra_inputs", integer(0, limits.MAX_FEATURES - 1)),
    Param("timesteps", "timesteps", integer(2, limits.MAX_TIMESTEPS)),
    Param("horizon", "horizon", integer(1, limits.MAX_HORIZON)),
    Param(
        "filters",
        "conv_filters",
        integer_list(1, limits.MAX_FILTERS, 0, limits.MAX_CONV_LAYERS),
        join,
    ),
    Param("kernel", "kernel_size", integer(1, limits.MAX_TIMESTEPS)),
    Param(
        "units", "dense_units", integer_list(1, limits.MAX_UNITS, 1, limits.MAX_DENSE_LAYERS), join
    ),
    Param("activation", "activation", choice(limits.ACTIVATIONS)),
)


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


# The settings edited as comma text in the page ("8, 16, 32"), the rest as they are.
LIST_FIELDS = ("conv_filters", "dense_units")


def list_text(values) -> str:
    """A list setting as its text box shows it: "8, 16, 32"."""
    return ", ".join(str(v) for v in values)


def spec_from_settings(
    values: Mapping[str, object], last_good: ModelSpec
) -> tuple[ModelSpec, list[str]]:
    """The spec that settings by field describe (list fields as comma text), and its problems.

    A list that does not parse keeps its value from `last_good`, and a problem says so; every
    other value is used as it is.
    """
    spec_values, problems = dict(values), []
    lists = [p for p in SPEC_PARAMS if p.field in LIST_FIELDS]
    for p, value, error in parse_each(values, lists, lambda p: p.field):
        if error is None:
            spec_values[p.field] = value
            continue
        kept = getattr(last_good, p.field)
        problems.append(f"{p.key.capitalize()}: {error}; keeping {join(kept)}.")
        spec_values[p.field] = kept
    return ModelSpec(**spec_values), problems


TRAIN_PARAMS = (
    Param("epochs", "epochs", integer(1, MAX_EPOCHS)),
    Param("lr", "learning_rate", number(1e-6, 10.0), lambda v: f"{v:g}"),
    Param("batch", "batch_size", integer(1, MAX_SAMPLES)),
    Param("seed", "seed", integer(0, 2**31 - 1)),
    Param("samples", "samples", integer(1, MAX_SAMPLES)),
    Param("relatedness", "relatedness", number(0.0, 1.0), lambda v: f"{v:g}"),
    Param("noise", "noise", number(0.0, 5.0), lambda v: f"{v:g}"),
)
# Default training and data settings, by field name, from `TrainConfig` and `DataSpec`.
_TRAIN_FIELDS = asdict(DataSpec()) | asdict(TrainConfig())
TRAIN_DEFAULTS = {p.field: _TRAIN_FIELDS[p.field] for p in TRAIN_PARAMS}


def training_from_query(params: Mapping[str, str]) -> tuple[dict, list[str]]:
    """Training and data settings (by field name) from URL parameters, with warnings."""
    return decode(params, TRAIN_PARAMS, TRAIN_DEFAULTS)


def training_to_query(values: Mapping[str, object]) -> dict[str, str]:
    """URL parameters for training and data settings given by field name."""
    return encode(values, TRAIN_PARAMS)


MAX_COMPARED = 6  # the Compare tab's cap (models.experiments.configurations.MAX_CONFIGURATIONS)


def compare_list(text: str) -> tuple[tuple[str, int], ...]:
    """Parser for a Compare list such as "hard.5,towers.1": (variant, k) per configuration."""
    pairs = []
    for item in (part.strip() for part in text.split(",") if part.strip()):
        variant, _, k = item.partition(".")
        if variant not in VARIANTS or not k.lstrip("-").isdigit():
            raise BadValue(f"{item!r} is not <variant>.<k> (e.g. towers.1)")
        pairs.append((variant, int(k)))
    if not 1 <= len(pairs) <= MAX_COMPARED:
        raise BadValue(f"needs 1 to {MAX_COMPARED} configurations")
    return tuple(pairs)


def compare_text(pairs) -> str:
    """A Compare list as its link writes it: "hard.5,towers.1"."""
    return ",".join(f"{variant}.{k}" for variant, k in pairs)
