"""Layer Sharing Explorer: pick a variant and how many layers are shared; see the model live."""

from __future__ import annotations

import streamlit as st

from components.lab_view import render_lab
from components.model_view import analysis_for, render_model_tab
from components.overview import render_metrics
from components.present import (
    apply_presenter_style,
    render_header,
    render_share_link,
    sidebar_state,
)
from components.sidebar import render_sidebar
from components.state import init_from_url, spec_from_widgets, write_url
from components.training_view import render_training
from models.spec import SpecError


def main() -> None:
    """One run of the page."""
    init_from_url()
    st.set_page_config(
        page_title="Layer Sharing Explorer",
        page_icon="🔗",
        layout="wide",
        initial_sidebar_state=sidebar_state(),
    )
    apply_presenter_style()
    render_sidebar()
    spec, problems = spec_from_widgets()
    link_slot = render_header()
    url_warnings = st.session_state["url_warnings"] if spec == st.session_state["url_spec"] else []
    for warning in url_warnings + problems:
        st.warning(warning, icon="⚠️")

    try:
        spec.validate()
    except SpecError as error:
        st.error(f"This model cannot be built: {error}", icon="🚫")
        return

    st.session_state["last_good_spec"] = spec
    write_url(spec)
    with link_slot.container():
        render_share_link()
    analysis = analysis_for(spec)
    render_metrics(analysis)
    # on_change="rerun" tracks the open tab, so heavy tabs only compute when opened.
    model_tab, train_tab, lab_tab = st.tabs(["Model", "Train", "Lab"], key="tab", on_change="rerun")
    with model_tab:
        render_model_tab(spec, analysis)
    with train_tab:
        render_training(spec)
    if lab_tab.open is not False:  # None: tab state not tracked, so render eagerly
        with lab_tab:
            render_lab(spec)


# Streamlit runs this file as __main__; training workers are spawned processes that re-import
# the main module as __mp_main__, and must not draw the page.
if __name__ == "__main__":
    main()
