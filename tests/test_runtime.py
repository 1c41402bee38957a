"""Streamlit must not reset Keras after each script run (slow, and unsafe across sessions)."""

from __future__ import annotations

from test_app import run_app


def test_a_page_run_leaves_keras_state_alone():
    from keras.src.backend.common import global_state
    from streamlit.runtime.scriptrunner import script_runner

    from components import runtime

    run_app()  # imports Keras in this process and applies the fix
    global_state.set_global_attribute("lse_probe", 1)
    run_app()
    assert global_state.get_global_attribute("lse_probe") == 1  # clear_session() would drop it
    assert script_runner._clean_problem_modules is runtime._no_reset
