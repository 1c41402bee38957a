"""Headline metrics and the plain-language reading of the current model."""

from __future__ import annotations

import streamlit as st

from components.shell.present import presenting
from models.analysis.records import Analysis

# Each figure stretches to a quarter of the row; its least width (`stMetric`'s min-width in
# components/shell/present.py) lets four share one row from 1200 px up; narrower ones wrap.
FIGURE_WIDTH = "stretch"


def figure(label: str, value: str, delta: str | None = None, help: str | None = None) -> None:
    """One headline figure, boxed and sharing the row; a `delta` is a neutral second line."""
    st.metric(
        label,
        value,
        delta,
        delta_color="off",
        delta_arrow="off",
        border=True,
        width=FIGURE_WIDTH,
        help=help,
    )


def total_figure(analysis: Analysis) -> None:
    figure(
        "Total parameters",
        f"{analysis.totals.total:,}",
        help="Unique trainable weights, as Keras' model.count_params() counts them.",
    )


def render_metrics(analysis: Analysis) -> None:
    """Total, shared and saved parameters, with where the saving comes from. The figures sit in
    a wrapping row: on a narrow screen they move to a second line instead of being cut."""
    t = analysis.totals
    presenter = presenting()
    share = f"{t.saved_share:.0%} of {t.independent:,}"
    with st.container(horizontal=True, wrap=True, gap="small"):
        total_figure(analysis)
        figure(
            "Shared parameters",
            f"{t.shared:,}",
            help="Weights in layers that are called more than once (tied) or that serve more "
            f"than one task. Tied: {t.tied:,}. Task-specific: {t.task_specific:,}.",
        )
        figure(
            "Saved by sharing",
            f"{t.saved:,} ({t.saved_share:.0%})" if presenter else f"{t.saved:,}",
            None if presenter else share,  # one line on a projector: the share in the value
            help=f"Against one independent network per task ({t.independent:,} parameters), "
            "so the share compares across variants: "
            f"{t.saved_by_tying:,} saved by reusing layer objects across calls, "
            f"{t.saved_by_task_sharing:,} by sharing layers across tasks.",
        )
        figure(
            "Layer calls",
            f"{analysis.n_calls:,}",
            help=f"{sum(layer.tied for layer in analysis.layers)} layer object(s) are called "
            "more than once.",
        )
    if not presenter:  # on a projector the figure's own line (and its help) says it
        st.caption(_saving_sentence(analysis))


def _saving_sentence(analysis: Analysis) -> str:
    t = analysis.totals
    sentence = (
        f"Saved by sharing = {t.independent:,} (one network per task) − {t.total:,} = "
        f"{t.saved:,}, {t.saved_share:.0%} of that baseline: **{t.saved_by_tying:,}** by tying "
        f"calls of one layer object, **{t.saved_by_task_sharing:,}** by sharing layers across "
        "tasks."
    )
    mixers = [layer for layer in analysis.layers if layer.mixes_tasks]
    if mixers:
        added = sum(layer.params for layer in mixers)
        sentence += (
            f" Soft sharing ties nothing: each task keeps its own network, and the "
            f"{len(mixers)} mixing unit{'s' if len(mixers) > 1 else ''} only exchange "
            f"activations, adding {added:,} parameters (the shared ones: they serve every task)."
        )
    return sentence


def render_explanation(analysis: Analysis) -> None:
    """One short paragraph per fact about the current setting."""
    for sentence in analysis.extra.get("explanation", []):
        st.markdown(f"- {sentence}")
