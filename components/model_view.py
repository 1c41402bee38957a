"""The Model tab: explanation, graph (with code and downloads) and the parameter tables."""

from __future__ import annotations

import streamlit as st

from components.code_view import render_code
from components.graph_view import render_graph, render_toggles
from components.overview import render_explanation
from components.present import presenting
from components.resources import analysis_for, dot_for
from components.tables_view import render_tables
from models.spec import ModelSpec


def render_model_tab(spec: ModelSpec) -> None:
    """Everything about the built model; in presenter mode the tables fold away."""
    analysis = analysis_for(spec)
    render_explanation(analysis)
    render_toggles()
    dot = dot_for(spec, st.session_state["view"], st.session_state["layout"])
    render_graph(dot, analysis)
    render_code(spec, analysis, dot)
    if presenting():
        with st.expander("Parameters per layer"):
            render_tables(analysis)
    else:
        st.subheader("Parameters per layer")
        render_tables(analysis)
