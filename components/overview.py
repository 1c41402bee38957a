"""Headline metrics and the plain-language reading of the current model."""

from __future__ import annotations

import streamlit as st

from models.analysis.records import Analysis


def render_metrics(analysis: Analysis) -> None:
    """Total, shared and saved parameters, with where the saving comes from."""
    t = analysis.totals
    total, shared, saved, calls = st.columns(4)
    total.metric(
        "Total parameters",
        f"{t.total:,}",
        border=True,
        help="Unique trainable weights, as Keras' model.count_params() counts them.",
    )
    shared.metric(
        "Shared parameters",
        f"{t.shared:,}",
        border=True,
        help="Weights in layers that are called more than once (tied) or that serve more than "
        f"one task. Tied: {t.tied:,}. Task-specific: {t.task_specific:,}.",
    )
    saved.metric(
        "Saved by sharing",
        f"{t.saved:,}",
        border=True,
        help=f"Against one independent network per task ({t.independent:,} parameters): "
        f"{t.saved_by_tying:,} saved by reusing layer objects across calls, "
        f"{t.saved_by_task_sharing:,} by sharing layers across tasks.",
    )
    n_tied = sum(1 for layer in analysis.layers if layer.tied)
    n_calls = analysis.n_calls
    calls.metric(
        "Layer calls",
        f"{n_calls:,}",
        border=True,
        help=f"{n_tied} layer object(s) are called more than once.",
    )
    st.caption(
        f"Saved by sharing = {t.independent:,} (one network per task) − {t.total:,}: "
        f"**{t.saved_by_tying:,}** by tying calls of one layer object, "
        f"**{t.saved_by_task_sharing:,}** by sharing layers across tasks."
    )


def render_explanation(analysis: Analysis) -> None:
    """One short paragraph per fact about the current setting."""
    for sentence in analysis.extra.get("explanation", []):
        st.markdown(f"- {sentence}")
