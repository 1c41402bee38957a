"""The host's budget in the page (AppTest): a link with the largest sizes is refused before
the click with what to lower, the default run shows its expected time, and Compare and the
sweep are refused the same way."""

from __future__ import annotations

from support.page import button, run_app

HOSTILE = {
    "variant": "hard",
    "k": "7",
    "features": "16",
    "timesteps": "512",
    "horizon": "128",
    "filters": "256,256,256,256,256,256",
    "kernel": "1",
    "units": "1",
    "epochs": "5000",
    "samples": "2000",
    "batch": "32",
}


def _errors(at) -> list[str]:
    return [e.value for e in at.error]


def test_a_run_over_the_hosts_budget_is_refused_before_the_click_with_what_to_lower():
    at = run_app(HOSTILE, tab="Train")
    assert not at.exception
    assert button(at, "Train").disabled
    (refusal,) = [e for e in _errors(at) if "this host allows" in e]
    assert "would take about" in refusal and "epochs" in refusal
    assert "train_batch" not in at.session_state  # nothing was queued


def test_the_default_run_shows_its_expected_time():
    at = run_app({}, tab="Train")
    assert not at.exception and not button(at, "Train").disabled
    assert any(c.value.startswith("Expected time: about ") for c in at.caption)


def test_compare_names_the_configuration_over_the_budget():
    at = run_app(HOSTILE, tab="Compare")
    assert not at.exception
    assert button(at, "Train all").disabled
    assert any("this host allows" in e and ":" in e.split("This run")[0] for e in _errors(at))
