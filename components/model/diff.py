"""The Model tab's "Compare with…": a second configuration on the same sizes, both graphs one
above the other (each at reading size, in its own shape), the change per layer and both
totals."""

from __future__ import annotations

import streamlit as st

from components.model.graph import render_graph
from components.shell.resources import analysis_for, dot_for
from components.shell.session import Session, session
from models.analysis.diff import layer_changes, totals_change
from models.architectures.presets import MODEL_1, MODEL_2
from models.architectures.variants import VARIANTS
from models.experiments.configurations import on_sizes, short_name
from models.spec import ModelSpec, SpecError

CHANGE_COLOURS = {"added": "#009E73", "removed": "#D55E00"}  # Okabe-Ito green, vermillion


def _other_default(spec: ModelSpec) -> ModelSpec:
    """What to compare with first: model 2 next to model 1, model 1 next to anything else."""
    try:
        return MODEL_2.on(spec) if spec == MODEL_1.on(spec) else MODEL_1.on(spec)
    except SpecError:
        return spec.replace(shared_layers=0)


def _pick_other(spec: ModelSpec) -> ModelSpec | None:
    """The second configuration: any variant and k, on the same sizes (None if impossible)."""
    if not Session.diff_variant.is_set():
        default = _other_default(spec)
        session.diff_variant, session.diff_k = default.variant, default.shared_layers
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    variant = left.selectbox(
        "Compare with",
        list(VARIANTS),
        key=Session.diff_variant.key,
        format_func=lambda v: VARIANTS[v].label,
    )
    try:
        other = on_sizes(variant, int(session.diff_k), spec)  # k clamped to this variant
    except SpecError as error:
        st.info(f"Not available on these sizes: {error}", icon="ℹ️")
        return None
    session.diff_k = other.shared_layers
    low, high = VARIANTS[variant].shared_range(other)
    right.number_input("its shared layers k", low, high, key=Session.diff_k.key)
    return other


def _row_style(row) -> list[str]:
    change = row["Change"]
    colour = CHANGE_COLOURS.get(change) or ("#0072B2" if "shared" in change else "")
    return [f"color: {colour}" if colour and column == "Change" else "" for column in row.index]


def render_diff(spec: ModelSpec, layout: str) -> None:
    """Both graphs (one node per layer object), both totals, and the change per layer."""
    other = _pick_other(spec)
    if other is None:
        return
    a, b = analysis_for(spec), analysis_for(other)
    totals = totals_change(a, b)
    with st.container(horizontal=True, wrap=True, gap="small"):
        st.metric(f"A · {short_name(spec)}", f"{totals.a:,}", border=True, width=220)
        st.metric(f"B · {short_name(other)}", f"{totals.b:,}", border=True, width=220)
        st.metric("B − A", f"{totals.difference:+,}", border=True, width=220)
    # Stacked, each drawn at its own size (about 15 px text; a wide one scrolls sideways) and
    # laid out on its own: side by side, two graphs fit a laptop's column only at ~5 px text,
    # and a shared layout pulled each out of shape (model 1's input far right of conv1).
    for this, name in ((spec, "A"), (other, "B")):
        st.markdown(f"**{name} · {short_name(this)}**")
        render_graph(dot_for(this, "layers", layout), analysis_for(this), name=f"diff{name}")
    st.markdown("**What changes from A to B, layer by layer**")
    table = layer_changes(a, b)
    st.dataframe(
        table.style.apply(_row_style, axis=1).format(
            {"Parameters (A)": "{:,}", "Parameters (B)": "{:,}"}
        ),
        hide_index=True,
        width="stretch",
    )
