"""The sidebar: presets, variant, the shared-layers slider and the layer sizes."""

from __future__ import annotations

import streamlit as st

from components.shell.data_source import render_data_settings, sync_features, using_csv
from components.shell.state import load_spec_into_widgets, read_list_text, spec_from_widgets
from models import settings as table
from models.architectures.presets import PRESETS
from models.architectures.variants import VARIANTS, clamp_k
from models.settings import Setting, show
from models.spec import ModelSpec


def _slider_label(spec: ModelSpec, k: int) -> str:
    names = VARIANTS[spec.variant].shareable(spec)
    if k == 0:
        return "0 · none"
    return f"{k} · {names[0]}" if k == 1 else f"{k} · {names[0]}–{names[k - 1]}"


def _presets() -> None:
    st.caption("Presets")
    question_sizes = ModelSpec()  # a preset button shows the question's own model exactly
    for i, preset in enumerate(PRESETS):
        st.button(
            preset.label,
            key=f"preset_{i}",
            on_click=load_spec_into_widgets,
            args=(preset.on(question_sizes),),
            width="stretch",
        )


def _number(setting: Setting, help_instead: str | None = None, **options) -> None:
    """A number input with the setting's own label, bounds and help (models.settings)."""
    st.number_input(
        setting.label,
        min_value=setting.low,
        max_value=setting.high,
        key=setting.key,
        help=help_instead or setting.help_text() or None,
        **options,
    )


def _list_text(setting: Setting) -> None:
    """A comma list's text box, read into a list once each time it changes."""
    st.text_input(
        setting.label,
        key=setting.key,
        help=setting.help_text(),
        on_change=read_list_text,
        args=(setting.field,),
    )


def _advanced() -> None:
    with st.expander("Advanced: layer sizes"):
        by_csv = "Set by the picked CSV columns." if using_csv() else None
        _number(table.FEATURES, by_csv, disabled=using_csv())
        _number(table.EXTRA_INPUTS, by_csv, disabled=using_csv())
        _number(table.TIMESTEPS)
        _number(table.HORIZON)
        _list_text(table.CONV_FILTERS)
        _number(table.KERNEL_SIZE)
        _list_text(table.DENSE_UNITS)
        st.selectbox(table.ACTIVATION.label, table.ACTIVATION.choices, key=table.ACTIVATION.key)


def _training() -> None:
    st.header("Training")
    _number(table.EPOCHS, step=100)
    lr = table.LEARNING_RATE
    rates = sorted({*lr.options, float(st.session_state[lr.key])})  # a linked value stays
    st.select_slider(lr.label, rates, key=lr.key, format_func=show)
    render_data_settings()
    with st.expander("Optimiser and seed"):
        _number(table.BATCH_SIZE)
        _number(table.SEED)


def _shared_slider(variant: str) -> None:
    state = st.session_state
    probe = spec_from_widgets()[0].replace(variant=variant)
    low, high = VARIANTS[variant].shared_range(probe)
    # The range follows the variant (and the sizes): the one clamp the registry defines.
    state["k"] = clamp_k(probe.replace(shared_layers=int(state["k"]))).shared_layers
    if high == low:
        st.caption(f"Shared layers: {low} (this variant has nothing else to share).")
        return
    st.select_slider(
        table.SHARED_LAYERS.label,
        options=list(range(low, high + 1)),
        key=table.SHARED_LAYERS.key,
        format_func=lambda k: _slider_label(probe, k),
        help=VARIANTS[variant].k_help,
    )


def render_sidebar() -> None:
    """Draw every control; their values live in session state under the URL keys."""
    sync_features()  # before the features input is drawn: it follows the picked CSV columns
    with st.sidebar:
        st.header("Model")
        _presets()
        # Radio buttons, not a drop-down: every variant's full name shows (a select box cut
        # them to "Hard sharing: one trunk, a head p").
        variant = st.radio(
            table.VARIANT.label,
            list(VARIANTS),
            key=table.VARIANT.key,
            format_func=lambda v: VARIANTS[v].label,
        )
        st.caption(VARIANTS[variant].summary)
        _shared_slider(variant)
        _advanced()
        _training()
