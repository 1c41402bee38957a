"""The whole page, one run of it: sidebar, header, headline figures and the tabs."""

from __future__ import annotations

import streamlit as st

from components.compare.picker import offered_specs, planned_specs
from components.compare.view import render_compare
from components.lab import render_lab
from components.model.overview import render_metrics
from components.model.view import render_model_tab
from components.question import render_question
from components.shell.boundary import render_guarded
from components.shell.navigation import COMPARE, LAB, MODEL, QUESTION, TAB_KEY, TABS, TRAIN, UPLOAD
from components.shell.present import (
    apply_presenter_style,
    render_header,
    render_share_link,
    sidebar_state,
)
from components.shell.resources import analysis_for, keras_lane, training_service
from components.shell.runs import refusal_before_click, visitor
from components.shell.session import session
from components.shell.sidebar import render_sidebar
from components.shell.state import (
    init_from_url,
    keep_url_widgets,
    spec_from_widgets,
    training_settings,
    write_url,
)
from components.train.view import render_training
from components.upload import render_upload
from models.architectures.variants import validate
from models.inspect import with_known_frozen
from models.lab.common import lab_sizes
from models.settings import FROZEN
from models.spec import ModelSpec, SpecError
from models.workers.ahead import compiles_ahead

SPEC_TABS = {
    QUESTION: render_question,
    MODEL: render_model_tab,
    TRAIN: render_training,
    COMPARE: render_compare,
    LAB: render_lab,
}


def prepare_workers(spec: ModelSpec) -> None:
    """Idle workers compile what a click may train next (`models.workers.ahead`)."""
    on_compare = session.tab == COMPARE
    compare_specs = planned_specs(spec) + offered_specs(spec) if on_compare else []
    data, config = training_settings()
    wanted = compiles_ahead(
        spec, compare_specs, data, config, lambda job: refusal_before_click([job])
    )
    training_service().prepare(*wanted, owner=visitor())


def main() -> None:
    """One run of the page."""
    init_from_url()
    keep_url_widgets()
    st.set_page_config(
        page_title="Layer Sharing Explorer",
        page_icon="🔗",
        layout="wide",
        initial_sidebar_state=sidebar_state(),
    )
    apply_presenter_style()
    render_guarded("sidebar", render_sidebar)
    spec, problems = spec_from_widgets()
    link_slot = render_header()
    url_warnings = session.url_warnings if spec == session.url_spec else []
    for warning in url_warnings + problems:
        st.warning(warning, icon="⚠️")
    try:
        validate(spec)
        spec, unfrozen = with_known_frozen(spec)
        build_error = None
    except SpecError as error:
        build_error, unfrozen = f"This model cannot be built: {error}", ()
    if unfrozen:  # another variant or k renamed them: the widget keeps what still exists
        st.session_state[FROZEN.key] = list(spec.frozen)
        names = ", ".join(unfrozen)
        st.info(f"No longer frozen: {names} (not a layer with weights in this model).", icon="🧊")
    if build_error:
        st.error(build_error, icon="🚫")
    else:
        session.last_good_spec = spec
        write_url(spec)
        render_guarded("training workers", prepare_workers, spec)
        # The model's code and the Lab's checks are built in Keras while the person reads.
        render_guarded("Keras lane", keras_lane().ahead, spec, lab_sizes(spec))
        if session.tab != UPLOAD:  # that tab shows its own model's figures
            render_guarded("headline figures", lambda: render_metrics(analysis_for(spec)))
    with link_slot.container():
        render_share_link()

    # on_change="rerun" tracks the open tab, so a tab computes only while it is open.
    tabs = dict(zip(TABS, st.tabs(list(TABS), key=TAB_KEY, on_change="rerun"), strict=True))
    for name, render in SPEC_TABS.items():
        if tabs[name].open is not False:  # None: tab state not tracked, so render eagerly
            with tabs[name]:
                if build_error:
                    st.info("Change the settings in the sidebar to build a model.", icon="👈")
                else:
                    render_guarded(f"{name} tab", render, spec)
    if tabs[UPLOAD].open is not False:
        with tabs[UPLOAD]:
            render_guarded(f"{UPLOAD} tab", render_upload)
