"""The Lab tab in the page (AppTest): every demonstration drawn, at other sizes too."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from support.page import run_app


def _lab_tab(at):
    return next(t for t in at.tabs if t.label == "Lab")


def _open_lab(query: dict[str, str] | None = None) -> AppTest:
    at = run_app(query)
    assert not at.exception
    assert not _lab_tab(at).subheader  # lazy: nothing computed until the tab is opened
    at.session_state["tab"] = "Lab"
    return at.run()


def test_lab_tab_renders_all_four():
    at = _open_lab()
    assert not at.exception
    lab = _lab_tab(at)
    assert [s.value[0] for s in lab.subheader] == ["1", "2", "3", "4"]
    values = {m.label: m.value for m in lab.metric}
    assert values["Shared Conv1D parameters"] == "32"
    assert values["All-features Conv1D parameters"] == "104"
    assert values["Towers, every conv shared"] == "128,740"
    assert values["Model 1"] == "52,012"
    assert len(lab.dataframe) >= 6
    assert not lab.info  # every demonstration ran


def test_lab_tab_renders_other_sizes():
    at = _open_lab({"features": "3", "filters": "4,6", "kernel": "2", "timesteps": "12"})
    assert not at.exception
    values = {m.label: m.value for m in _lab_tab(at).metric}
    assert values["Shared Conv1D parameters"] == "12"
    assert values["All-features Conv1D parameters"] == "28"
