"""The Lab tab: each equivalence demonstration with its numbers, pass marks and reading."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.model.tables import row_styler
from components.shell.resources import KerasUnavailable, lab_for
from models.analysis.palette import colour
from models.lab.common import Check, Unavailable, lab_sizes
from models.lab.conv import ConvComparison
from models.lab.folded import FoldedTower
from models.lab.frozen import lab_sentence
from models.lab.gradients import GradientSum
from models.lab.kinds import SharingKinds
from models.spec import ModelSpec


def _table(
    frame: pd.DataFrame, fills: dict[str, str] | None = None, column: str = "", wide: str = ""
) -> None:
    """A full-height table; rows named in `fills` (by `column`) get their fill; `wide` is wide."""
    styled = frame.style.format(thousands=",", precision=4)
    if fills:
        styled = styled.apply(row_styler(fills, column), axis=1)
    config = {wide: st.column_config.TextColumn(width="large")} if wide else None
    st.dataframe(styled, hide_index=True, width="stretch", height="content", column_config=config)


def _check(check: Check) -> None:
    """The largest difference and whether it is within the pass mark."""
    with st.container(border=True):
        # What is compared, above the figure: as the metric's label it ended in "…" at every width
        st.markdown(f"**{check.label}**")
        st.metric("max |difference|", f"{check.max_abs_diff:.1e}")
        if check.passed:
            st.badge(f"equal to {check.tolerance:.0e}", icon=":material/check:", color="green")
        else:
            st.badge(
                f"differs by more than {check.tolerance:.0e}", icon=":material/close:", color="red"
            )


def _conv(demo: ConvComparison) -> None:
    left, right = st.columns(2)
    left.metric("Shared Conv1D parameters", f"{demo.shared_params:,}", border=True)
    right.metric("All-features Conv1D parameters", f"{demo.full_params:,}", border=True)
    # The shared layer gets the first tied colour, as conv1 does in model 2's graph.
    _table(demo.kernels, {demo.kernels["Layer"][0]: colour(0)}, "Layer")
    _check(demo.grouped_matches_shared)
    st.markdown(
        f"**Which outputs move when feature {demo.perturbed_feature} is nudged by +1** "
        "(before the activation)"
    )
    _table(demo.mixing)


def _gradients(demo: GradientSum) -> None:
    calls, loss, norm = st.columns(3)
    calls.metric(f"Calls of {demo.layer}", demo.n_calls, border=True)
    loss.metric("Loss (mean MSE over tasks)", f"{demo.loss:.4f}", border=True)
    norm.metric("‖shared kernel gradient‖", f"{demo.shared_norm:.4g}", border=True)
    _table(demo.table)
    left, right = st.columns(2)
    with left:
        _check(demo.same_outputs)
    with right:
        _check(demo.sum_matches)
    st.caption(lab_sentence(demo.layer, demo.n_calls))


def _folded(demo: FoldedTower) -> None:
    ours, theirs = st.columns(2)
    ours.metric("Towers, every conv shared", f"{demo.towers_params:,}", border=True)
    theirs.metric("Model 1", f"{demo.model1_params:,}", border=True)
    st.markdown(f"**Folded batch:** `{demo.folded_shape}` (sample-major: feature index fastest)")
    _check(demo.fold_matches)
    st.markdown("**Weighted layers side by side** (highlighted: where they differ)")
    differs = demo.differences[demo.differences["Differs"]]["Layer"]
    _table(demo.differences, {name: colour(5) for name in differs}, "Layer")


def _kinds(demo: SharingKinds) -> None:
    st.markdown("**Parameter totals side by side**")
    _table(demo.totals)
    # One above the other: each table needs the full width for its call and task columns.
    for title, frame, fills in (
        ("Model 2 — towers, conv1 tied", demo.towers_layers, demo.towers_fills),
        ("Model 1 — one trunk, a head per task", demo.model1_layers, demo.model1_fills),
    ):
        st.markdown(f"**{title}:** every layer object, its calls, their inputs and its tasks")
        _table(frame, fills, "Layer object", wide="Called on")
    st.caption(
        "Between sharing across all tasks and sharing nothing lies sharing within groups of "
        "tasks: the branched variant (sidebar) draws such a tree, and the Compare tab's grouping "
        "oracle trains every grouping to find which tasks should share."
    )


RENDERERS = {
    ConvComparison: _conv,
    GradientSum: _gradients,
    FoldedTower: _folded,
    SharingKinds: _kinds,
}


def render_lab(spec: ModelSpec) -> None:
    """Run (once per size setting) and draw every demonstration for `spec`'s sizes."""
    sizes = lab_sizes(spec)
    try:
        result = lab_for(sizes)
    except KerasUnavailable as error:
        st.warning(f"The Lab's checks could not run: {error}", icon="⚠️")
        return
    st.caption(
        f"Live checks at the current sizes: {sizes.n_features} features ({sizes.n_tasks} "
        f"forecast) × {sizes.timesteps} "
        f"steps, conv filters {', '.join(map(str, sizes.conv_filters)) or 'none'}, kernel "
        f"{sizes.kernel_size}; a seeded random batch, fixed weights. Computed in "
        f"{sum(result.seconds.values()):.1f} s the first time, cached after."
    )
    for demo in result.demos:
        with st.container(border=True):
            st.subheader(demo.title)
            if isinstance(demo, Unavailable):
                st.info(f"Not available at these sizes: {demo.reason}", icon="ℹ️")
                continue
            RENDERERS[type(demo)](demo)
            st.markdown(demo.explanation)
