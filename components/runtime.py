"""One adjustment to Streamlit's runtime for an app that keeps Keras loaded in its server."""

from __future__ import annotations


def keep_keras_state() -> None:
    """Stop Streamlit from calling `keras.backend.clear_session()` after every script run.

    Streamlit's script runner does that whenever Keras is imported (`_clean_problem_modules`),
    including after each fragment poll of the live charts. Here it costs 110–150 ms of server
    CPU per run (a full `gc.collect()`), which with four sessions training saturated the
    server; and it resets Keras' global state while another session may be building a model,
    which is unsafe. This app's models have explicit names and are built once per spec, so it
    needs no reset. Idempotent; a later Streamlit without the hook is left as it is.
    """
    from streamlit.runtime.scriptrunner import script_runner

    if hasattr(script_runner, "_clean_problem_modules"):
        script_runner._clean_problem_modules = _no_reset


def _no_reset() -> None:
    """Nothing to clean: the app uses no matplotlib and keeps Keras' state on purpose."""
