"""The sidebar: presets, variant, the shared-layers slider and the layer sizes."""

from __future__ import annotations

import streamlit as st

from components.data_source import render_data_settings, sync_features, using_csv
from components.state import load_spec_into_widgets, spec_from_widgets
from models import spec as limits
from models.architectures.presets import PRESETS
from models.architectures.variants import VARIANTS, clamp_k
from models.spec import ModelSpec
from models.training.engine import MAX_EPOCHS
from models.training.toy_data import MAX_SAMPLES

LEARNING_RATES = sorted({1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0, 10.0})


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


def _advanced() -> None:
    with st.expander("Advanced: layer sizes"):
        by_csv = "Set by the picked CSV columns." if using_csv() else None
        st.number_input(
            "Features (input series)",
            1,
            limits.MAX_FEATURES,
            key="features",
            disabled=using_csv(),
            help=by_csv or "One task per feature forecasts each of them, as in the question.",
        )
        st.number_input(
            "Of which inputs only",
            0,
            limits.MAX_FEATURES - 1,
            key="extra",
            disabled=using_csv(),
            help=by_csv
            or "The last features are read but not forecast: tasks = features − inputs only.",
        )
        st.number_input("Time steps in", 2, limits.MAX_TIMESTEPS, key="timesteps")
        st.number_input("Forecast horizon", 1, limits.MAX_HORIZON, key="horizon")
        st.text_input(
            "Conv filters (comma list)",
            key="filters",
            help=f"Up to {limits.MAX_CONV_LAYERS} conv layers, e.g. 8, 16, 32.",
        )
        st.number_input("Kernel size", 1, limits.MAX_TIMESTEPS, key="kernel")
        st.text_input(
            "Dense units (comma list)",
            key="units",
            help=f"1 to {limits.MAX_DENSE_LAYERS} dense layers, e.g. 200, 100.",
        )
        st.selectbox("Activation", limits.ACTIVATIONS, key="activation")


def _training() -> None:
    st.header("Training")
    st.number_input("Epochs", 1, MAX_EPOCHS, key="epochs", step=100)
    rates = sorted({*LEARNING_RATES, float(st.session_state["lr"])})  # a linked value stays
    st.select_slider("Learning rate", rates, key="lr", format_func=lambda v: f"{v:g}")
    render_data_settings()
    with st.expander("Optimiser and seed"):
        st.number_input("Batch size", 1, MAX_SAMPLES, key="batch")
        st.number_input(
            "Seed", 0, 2**31 - 1, key="seed", help="Same seed, same data and same curves."
        )


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
        "Shared layers",
        options=list(range(low, high + 1)),
        key="k",
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
            "Variant", list(VARIANTS), key="variant", format_func=lambda v: VARIANTS[v].label
        )
        st.caption(VARIANTS[variant].summary)
        _shared_slider(variant)
        _advanced()
        _training()
