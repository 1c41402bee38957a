"""After a run: where the tasks pull apart, layer by layer, and which tasks help each other."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from components.compare.grouping import remember_affinity, start_trial
from components.model.graph import render_graph
from components.shell.navigation import folded
from components.shell.present import presenting
from components.shell.resources import analysis_for, dot_for
from components.shell.session import session
from components.shell.state import load_spec_into_widgets
from components.train.charts import CHART
from components.train.conflict_charts import affinity_figure, layer_conflict_figure
from models.architectures.variants import VARIANTS
from models.experiments.affinity_groups import propose
from models.experiments.configurations import named
from models.experiments.grouping import GROUPING_SEEDS
from models.spec import ModelSpec, SpecError
from models.training import conflict_report as report
from models.training import history as losses

LAYERS_EXPLAINED = (
    "Each layer whose weights serve several tasks, measured on {n} epochs: the cosine between "
    "every two tasks' loss gradients on *that layer's* weights, averaged over the task pairs "
    "(below 0: the tasks pull it apart), how often it was below 0, and Φ, how alike the pulls "
    "are in strength (1: equal; near 0: one task's gradient dwarfs the other's)."
)
AFFINITY_EXPLAINED = (
    "Task affinity (Fifty et al., 2021): after a step on task i's gradient alone, by what "
    "fraction did task j's loss fall? Z = 1 − L_j(after) / L_j(before), on the same batch, "
    "averaged over the {n} measured epochs. Above 0 (purple), task i's step helps task j; "
    "below 0 (orange), it hurts it. Rows need not mirror columns."
)


def colours_for(spec: ModelSpec) -> tuple:
    """The last run's per-layer cosines if it trained `spec`, else ()."""
    stored = session.conflict_colours
    return stored[1] if stored and stored[0] == spec else ()


def _layer_table(spec: ModelSpec, history: pd.DataFrame) -> pd.DataFrame:
    analysis = analysis_for(spec)
    return report.layer_table(history, {layer.name: layer.params for layer in analysis.layers})


def render_plain_reading(spec: ModelSpec, history: pd.DataFrame, names=()) -> None:
    """The one sentence a run's conflict measurements come to, before any chart or number."""
    sentence = report.plain_reading(history, _layer_table(spec, history), names)
    if sentence:
        st.markdown(f"**What the run found:** {sentence}")


def render_where_tasks_conflict(
    spec: ModelSpec, history: pd.DataFrame, key: str, names=(), before=None
) -> None:
    """Folded in an expander: `before()` (the mean conflict chart), the per-layer table and
    curves, the suggestion and the affinity map of a run of `spec`; then the graph coloured
    by it. Without per-layer measurements, only `before()`, still folded. Each expander
    draws its content only once opened: a class that trains at once does not pay, on the
    server and in every browser, for charts nobody has opened yet."""
    layers = losses.layers_in(history)
    if not layers and not losses.has_conflict(history):
        if before is not None:
            before()  # one caption: why this run has no conflict chart
        return
    table = _layer_table(spec, history) if layers else None
    matrix = _usable_affinity(history, spec.n_tasks) if layers else None
    if table is not None:  # the Model tab's colours and the oracle's pick, opened or not
        cosines = tuple(zip(table["Layer"], table["Mean cosine"], strict=True))
        session.conflict_colours = (spec, cosines)
        if matrix is not None:
            remember_affinity(matrix)
    detail = folded("The detail: gradient cosines per layer, Φ and task affinity", f"{key}_open")
    if detail is not None:
        with detail:
            if before is not None:
                before()
            if table is not None:
                _per_layer(spec, history, (table, layers, matrix), key, names)
    if table is None:
        return
    graph = folded("The graph, coloured by this run's conflict", f"{key}_graph_open")
    if graph is not None:
        with graph:
            dot = dot_for(spec, session.view, session.layout, presenting(), cosines)
            render_graph(dot, analysis_for(spec), coloured=True)


def _usable_affinity(history: pd.DataFrame, n_tasks: int) -> np.ndarray | None:
    matrix = report.affinity_matrix(history, n_tasks)
    if matrix is None or n_tasks < 2 or not np.isfinite(matrix).all():
        return None
    return matrix


def _per_layer(spec: ModelSpec, history, measured: tuple, key: str, names) -> None:
    """The per-layer table and curves, the suggestion, and the affinity map; `measured`: the
    run's (layer table, shared layers, affinity matrix or None when too poorly measured)."""
    table, layers, matrix = measured
    n = len(report.measured(history))
    st.markdown("**Conflict per shared layer**")
    st.caption(LAYERS_EXPLAINED.format(n=n))
    st.dataframe(
        table.style.format(
            {
                "Parameters": "{:,}",
                "Mean cosine": "{:+.2f}",
                "Epochs below 0": "{:.0%}",
                "Φ (magnitude similarity)": "{:.2f}",
            }
        ),
        hide_index=True,
        width="stretch",
    )
    st.plotly_chart(layer_conflict_figure(history, layers), key=f"{key}_layers", config=CHART)
    suggestion = report.suggest(spec, table, n)
    _suggestion(suggestion, key)
    if matrix is not None:
        _affinity(spec, matrix, n, key, names, suggestion)


def _suggestion(suggestion: report.Suggestion, key: str) -> None:
    st.info(suggestion.text, icon=":material/lightbulb:")
    if suggestion.spec is None:
        return
    st.button(
        f"Apply k = {suggestion.spec.shared_layers}",
        key=f"{key}_apply",
        on_click=_apply,
        args=(suggestion.spec,),
        help="Sets the sidebar's shared layers to this k; press Train to see what it does.",
    )


def _apply(spec: ModelSpec) -> None:
    """The sidebar's widgets take the suggested spec, and the whole page is redrawn: the button
    sits in the Train tab's fragment, whose own rerun would leave the sidebar, the headline
    figures and the link as they were."""
    load_spec_into_widgets(spec)
    st.rerun(scope="app")


def _affinity(spec: ModelSpec, matrix: np.ndarray, n: int, key: str, names, suggestion) -> None:
    st.markdown("**Task affinity**")
    st.caption(AFFINITY_EXPLAINED.format(n=n) + " " + report.affinity_reading(matrix, names))
    st.plotly_chart(affinity_figure(matrix, names), key=f"{key}_affinity", config=CHART)
    _tree_to_try(spec, matrix, key, suggestion)


def _tree_to_try(spec: ModelSpec, matrix: np.ndarray, key: str, suggestion) -> None:
    """The sharing tree the affinity points to, and one click that tests it on three seeds."""
    trunk = suggestion.spec is not None and VARIANTS[spec.variant].k_is_trunk
    try:
        proposal = propose(spec, matrix, suggestion.spec.shared_layers if trunk else None)
    except SpecError:
        return  # sizes the branched variant cannot take: nothing to propose
    st.markdown(f"**A tree to try.** {proposal.sentence}")
    if (
        len(proposal.groups) == 1
        and spec.variant == "hard"
        and spec.shared_layers == len(VARIANTS["hard"].shareable(spec))
    ):
        st.caption("That is this model's own sharing: the affinity finds no tasks to part.")
        return
    st.button(
        f"Test it: this model, the tree and nothing shared, on {GROUPING_SEEDS} seeds",
        key=f"{key}_tree",
        on_click=start_trial,
        args=(spec, proposal, named(spec, spec).label),
        help="Trains the three side by side on the same data and seeds, in the Compare tab.",
    )
