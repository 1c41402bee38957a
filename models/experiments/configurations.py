"""The configurations a comparison trains: which models, on which sizes, in which colours."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from models.analysis.palette import LINE_COLOURS
from models.architectures.groups import describe, groups_of
from models.architectures.presets import COMPARE_DEFAULTS, PRESETS, Preset
from models.architectures.variants import VARIANTS, clamp_k, validate
from models.settings import COMPARE
from models.spec import ModelSpec, SpecError
from models.workers.jobs import TrainJob

MAX_CONFIGURATIONS = COMPARE.max_len  # the same cap as a link's Compare list


@dataclass(frozen=True)
class Configuration:
    """One model to compare: a label for people and the spec that builds it."""

    label: str
    spec: ModelSpec


def short_name(spec: ModelSpec) -> str:
    """`variant, k = n` (and a tree's groups) — a label for a spec that has no better name."""
    name = f"{spec.variant}, k = {spec.shared_layers}"
    if spec.variant in VARIANTS and VARIANTS[spec.variant].reads_groups:
        name += f", groups {describe(groups_of(spec.task_groups, spec.n_tasks))}"
    return name


def on_sizes(
    variant: str, shared_layers: int, sizes: ModelSpec, groups: tuple[int, ...] | None = None
) -> ModelSpec:
    """`sizes` with this variant and k (clipped to what the sizes allow) and, if given, these
    task groups (the sizes' own otherwise; dropped where they no longer give one per task);
    SpecError if invalid."""
    if variant not in VARIANTS:
        raise SpecError(f"Unknown variant {variant!r}; choose one of {', '.join(VARIANTS)}.")
    probe = sizes.replace(variant=variant)
    if groups is not None:
        probe = probe.replace(task_groups=groups if len(groups) == sizes.n_tasks else ())
    VARIANTS[variant].check(probe)
    return validate(clamp_k(probe.replace(shared_layers=shared_layers)))


def configuration(
    variant: str, shared_layers: int, sizes: ModelSpec, label: str | None = None
) -> Configuration:
    """A configuration on `sizes`; the label defaults to `variant, k = n`."""
    spec = on_sizes(variant, shared_layers, sizes)
    return Configuration(label or short_name(spec), spec)


def preset_configuration(preset: Preset, sizes: ModelSpec, label: str = "") -> Configuration:
    """A preset on `sizes`, labelled with its name (or `label`); SpecError if it cannot be."""
    return Configuration(label or preset.label, preset.on(sizes))


def valid_configurations(presets: Iterable[Preset], sizes: ModelSpec) -> list[Configuration]:
    """Each preset on `sizes`, skipping those the sizes cannot take."""
    chosen = []
    for preset in presets:
        try:
            chosen.append(preset_configuration(preset, sizes))
        except SpecError:
            continue
    return chosen


def default_configurations(sizes: ModelSpec) -> list[Configuration]:
    """The question's two models and the no-sharing baseline, on `sizes` (skipping any invalid)."""
    return valid_configurations(COMPARE_DEFAULTS, sizes)


def resize(configs: Iterable[Configuration], sizes: ModelSpec) -> tuple[list[Configuration], list]:
    """Every configuration moved onto `sizes`, duplicates dropped; messages for dropped ones."""
    kept, messages, seen = [], [], set()
    for config in configs:
        try:
            # A compared tree keeps its own groups as the sizes change.
            spec = on_sizes(
                config.spec.variant, config.spec.shared_layers, sizes, config.spec.task_groups
            )
        except SpecError as error:
            messages.append(f"{config.label} left out: {error}")
            continue
        if spec not in seen:
            seen.add(spec)
            kept.append(Configuration(config.label, spec))
    return kept, messages


def add(configs: Sequence[Configuration], new: Configuration) -> tuple[list, str | None]:
    """`configs` plus `new`, or unchanged with a message if it is already there or at the cap."""
    if any(c.spec == new.spec for c in configs):
        return list(configs), f"{short_name(new.spec)} is already in the comparison."
    if len(configs) >= MAX_CONFIGURATIONS:
        return list(configs), (
            f"At most {MAX_CONFIGURATIONS} configurations at once: remove one to add another."
        )
    return [*configs, new], None


def colours_for(
    specs: Iterable[ModelSpec], previous: Mapping[ModelSpec, str]
) -> dict[ModelSpec, str]:
    """A line colour per spec: a spec keeps its previous colour, a new one the first free one."""
    specs = list(specs)
    colours = {s: previous[s] for s in specs if s in previous}
    for spec in specs:
        if spec not in colours:
            used = set(colours.values())
            free = [c for c in LINE_COLOURS if c not in used] or list(LINE_COLOURS)
            colours[spec] = free[0]
    return colours


def build_jobs(configs: Iterable[Configuration], data: object, train_config) -> list[TrainJob]:
    """One job per configuration, all on the same data (a `DataSpec` or uploaded `OwnData`)
    and training settings (so the same seed), without measuring gradient conflict: a comparison
    shows losses only, and measuring it costs a run with task-shared layers ~8 %."""
    config = replace(train_config, track_conflict=False)
    return [TrainJob(c.spec, data, config) for c in configs]


def named(spec: ModelSpec, sizes: ModelSpec) -> Configuration:
    """`spec` under its preset's name when it is one on these sizes, else `variant, k = n`."""
    for preset in PRESETS:
        try:
            if preset.on(sizes) == spec:
                return Configuration(preset.label, spec)
        except SpecError:
            continue
    return Configuration(short_name(spec), spec)


def from_pairs(pairs, sizes: ModelSpec) -> tuple[list[Configuration], list[str]]:
    """Configurations for (variant, k, groups) items on `sizes` (a link's Compare list; no
    groups: the sizes' own), with a message
    for each one these sizes cannot build; duplicates are dropped."""
    configs, messages = [], []
    for variant, k, groups in pairs:
        try:
            config = named(on_sizes(variant, k, sizes, groups or None), sizes)
        except SpecError as error:
            messages.append(f"{variant}, k = {k} left out of the comparison: {error}")
            continue
        if all(c.spec != config.spec for c in configs):
            configs.append(config)
    return configs, messages


def pairs_of(configs) -> tuple[tuple[str, int, tuple[int, ...]], ...]:
    """(variant, k, task groups) of each configuration, as a link's Compare list holds them."""
    return tuple((c.spec.variant, c.spec.shared_layers, c.spec.task_groups) for c in configs)
