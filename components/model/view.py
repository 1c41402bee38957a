"""The Model tab: explanation, graph (with code and downloads) and the parameter tables."""

from __future__ import annotations

import streamlit as st

from components.model.calls import render_call_inspector
from components.model.code import render_code
from components.model.diff import render_diff
from components.model.graph import render_graph, render_toggles
from components.model.overview import render_explanation
from components.model.tables import render_tables
from components.shell.present import presenting
from components.shell.resources import analysis_for, dot_for
from components.shell.session import Session, session
from components.shell.sidebar import render_stage_picks
from components.train.conflict import colours_for
from models.lab.frozen import frozen_sentence
from models.settings import FROZEN
from models.spec import ModelSpec


def _freeze_picker(analysis) -> None:
    """Which layer objects do not train: the graph, tables, code and the next run follow."""
    weighted = [layer.name for layer in analysis.layers if layer.params > 0]
    st.multiselect(
        FROZEN.label,
        weighted,
        key=FROZEN.key,
        help=FROZEN.help,
        placeholder="None: every layer trains",
    )
    if sentence := frozen_sentence(analysis):
        st.caption(sentence)


def _diff_switch() -> None:
    st.toggle("Compare with another configuration", key=Session.diff_on.key, width="content")


def render_model_tab(spec: ModelSpec) -> None:
    """Everything about the built model. In presenter mode the graph comes first, compact, and
    the sentences and tables fold away: the picture must fit the projector's first screen."""
    analysis = analysis_for(spec)
    presenter = presenting()
    if presenter:  # one wrapping row above the graph: presets, k, view, layout, "Compare with"
        with st.container(horizontal=True, wrap=True, gap="small", key="stage"):
            render_stage_picks(spec)
            render_toggles(compact=True)
            _diff_switch()
    else:
        render_explanation(analysis)
        render_toggles()
        _diff_switch()
        _freeze_picker(analysis)
    # "Compare with…": the graph beside another configuration's, and what changes.
    if session.diff_on:
        render_diff(spec, session.layout)
    else:
        last_run = colours_for(spec)
        cosines = last_run if session.conflict_colouring else ()
        dot = dot_for(spec, session.view, session.layout, compact=presenter, cosines=cosines)
        render_graph(dot, analysis, coloured=bool(cosines))
        if last_run:
            st.toggle(
                "Colour shared layers by the last run's conflict",
                value=True,
                key=Session.conflict_colouring.key,
                help="From this session's last Train of exactly this model (Train tab).",
            )
    # Computed only while open: it runs the model in Keras (the lane), call by call.
    inspector = st.expander(
        "Inspect one layer's calls: what each computes and its part of the gradient",
        key="inspector_open",
        on_change="rerun",
        icon="🔍",
    )
    if inspector.open:
        with inspector:
            render_call_inspector(spec, analysis)
    if presenter:
        with st.expander("What this setting means"):
            render_explanation(analysis)
    # The code comes from the Keras lane (a second or more on a cold start): its place is kept
    # under the graph and filled last, so the tables never wait for it.
    code_slot = st.container()
    if presenter:
        with st.expander("Parameters per layer"):
            render_tables(analysis)
    else:
        st.subheader("Parameters per layer")
        render_tables(analysis)
    with code_slot:
        render_code(spec, analysis, dot_for(spec, session.view, session.layout))
