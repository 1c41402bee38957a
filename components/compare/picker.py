"""Compare's configuration picker: presets, any variant and k, the list with remove buttons."""

from __future__ import annotations

import streamlit as st

from components.shell.resources import analysis_for
from components.shell.session import Session, session
from models.architectures.presets import PRESETS
from models.architectures.variants import VARIANTS
from models.experiments import configurations as compare
from models.experiments.configurations import MAX_CONFIGURATIONS, Configuration
from models.spec import ModelSpec, SpecError


def _add(config: Configuration) -> None:
    session.cmp_configs, session.cmp_message = compare.add(session.cmp_configs, config)


def _add_chosen(sizes: ModelSpec) -> None:
    try:
        _add(compare.configuration(session.cmp_variant, int(session.cmp_k), sizes))
    except SpecError as error:
        session.cmp_message = f"Cannot add this configuration: {error}"


def _remove(index: int) -> None:
    configs = session.cmp_configs
    session.cmp_configs = configs[:index] + configs[index + 1 :]


def planned_specs(spec: ModelSpec) -> list[ModelSpec]:
    """The specs Train all would train now (no messages: for compiling ahead of the click)."""
    configs = session.cmp_configs or compare.default_configurations(spec)
    return [c.spec for c in compare.resize(configs, spec)[0]]


def offered_specs(spec: ModelSpec) -> list[ModelSpec]:
    """The quick picks' specs on the current sizes (a click adds one just before Train all;
    one the sizes cannot take has its button disabled, saying why)."""
    return [c.spec for c in compare.valid_configurations(PRESETS, spec)]


def current_configs(spec: ModelSpec) -> list[Configuration]:
    """The session's configurations on the sidebar's current sizes (defaults on first visit)."""
    if not Session.cmp_configs.is_set():  # first visit: the link's list, or the defaults
        linked, messages = compare.from_pairs(session.cmp_link, spec)
        for message in messages:
            st.warning(message, icon="⚠️")
        session.cmp_configs = linked or compare.default_configurations(spec)
    configs, messages = compare.resize(session.cmp_configs, spec)
    for message in messages:
        st.warning(message, icon="⚠️")
    session.cmp_configs = configs
    session.cmp_colours = compare.colours_for([c.spec for c in configs], session.cmp_colours)
    return configs


def _quick_picks(spec: ModelSpec, configs: list[Configuration], full: bool) -> None:
    columns = st.columns(len(PRESETS))
    for i, (column, preset) in enumerate(zip(columns, PRESETS, strict=True)):
        try:
            config = compare.preset_configuration(preset, spec)
        except SpecError as error:
            column.button(
                f"+ {preset.label}", key=f"cmp_preset_{i}", disabled=True, help=str(error)
            )
            continue
        present = any(c.spec == config.spec for c in configs)
        column.button(
            f"+ {preset.label}",
            key=f"cmp_preset_{i}",
            disabled=present or full,
            on_click=_add,
            args=(config,),
            width="stretch",
        )


def _any_pick(spec: ModelSpec, full: bool) -> None:
    left, middle, right = st.columns([4, 2, 1], vertical_alignment="bottom")
    variant = left.selectbox(
        "Variant",
        list(VARIANTS),
        key=Session.cmp_variant.key,
        format_func=lambda v: VARIANTS[v].label,
    )
    try:
        probe = compare.on_sizes(variant, int(session.cmp_k), spec)  # clamps k
    except SpecError as error:
        middle.caption(f"Not available on these sizes: {error}")
        return
    session.cmp_k = probe.shared_layers
    low, high = VARIANTS[variant].shared_range(probe)
    middle.number_input("Shared layers k", low, high, key=Session.cmp_k.key)
    right.button("Add", key="cmp_add", disabled=full, on_click=_add_chosen, args=(spec,))


def _listing(configs: list[Configuration], colours: dict) -> None:
    for i, config in enumerate(configs):
        totals = analysis_for(config.spec).totals
        name, info, remove = st.columns([4, 5, 1], vertical_alignment="center")
        name.markdown(
            f'<span style="color:{colours[config.spec]}">■</span> **{config.label}**',
            unsafe_allow_html=True,
        )
        info.caption(
            f"{compare.short_name(config.spec)} · {totals.total:,} parameters · "
            f"{totals.shared:,} shared"
        )
        remove.button("✕", key=f"cmp_remove_{i}", on_click=_remove, args=(i,), help="Remove")


def render_picker(spec: ModelSpec, configs: list[Configuration]) -> None:
    full = len(configs) >= MAX_CONFIGURATIONS
    st.markdown("**Configurations** — each is built on the layer sizes set in the sidebar.")
    _quick_picks(spec, configs, full)
    _any_pick(spec, full)
    if session.cmp_message:
        st.info(Session.cmp_message.take(), icon="ℹ️")
    elif full:
        st.info(f"{MAX_CONFIGURATIONS} configurations is the most: remove one to add another.")
    _listing(configs, session.cmp_colours)
