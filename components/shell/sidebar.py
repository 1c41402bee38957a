"""The sidebar: presets, variant, the shared-layers slider and the layer sizes."""

from __future__ import annotations

import streamlit as st

from components.data.source import render_data_settings, sync_features, using_csv
from components.shell.session import Session, session
from components.shell.state import load_spec_into_widgets, read_list_text, spec_from_widgets
from models import settings as table
from models.architectures.groups import default_groups, labels_of
from models.architectures.presets import PRESETS
from models.architectures.variants import VARIANTS, clamp_k
from models.settings import Setting, show
from models.spec import ModelSpec
from models.urlstate import list_text


def _slider_label(spec: ModelSpec, k: int) -> str:
    names = VARIANTS[spec.variant].shareable(spec)
    if k == 0:
        return "0 · none"
    return f"{k} · {names[0]}" if k == 1 else f"{k} · {names[0]}–{names[k - 1]}"


# Streamlit's "auto" sidebar collapses only up to 768 px; under 900 px its labels are cut too
# (the column left beside it is narrow): it starts collapsed there, once per page load, unless
# the person chose for themselves (Streamlit then remembers it in localStorage).
COLLAPSE_WHEN_NARROW = """<script>
(() => {
  if (window.__lseSidebarChecked) return;
  window.__lseSidebarChecked = true;
  const chosen = Object.keys(localStorage).some(k => k.startsWith("stSidebarCollapsed-"));
  if (chosen || window.innerWidth >= 900) return;
  const close = () => {
    const sidebar = document.querySelector('[data-testid="stSidebar"]');
    const button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (!sidebar || !button) return false;
    if (sidebar.getAttribute("data-collapsed") === "false") button.click();
    return true;
  };
  if (!close()) setTimeout(close, 300);
})();
</script>"""

STAGE_LABELS = ("Model 1", "Model 2", "All conv shared", "Nothing shared")


def _set_k_from_stage() -> None:
    st.session_state[table.SHARED_LAYERS.key] = session.stage_k


def render_stage_picks(spec: ModelSpec) -> None:
    """Presenter mode: the presets and k as one row of buttons above the graph, so a presenter
    switches model 1 -> model 2 without opening the sidebar (the current one is highlighted)."""
    question_sizes = ModelSpec()
    for i, (preset, label) in enumerate(zip(PRESETS, STAGE_LABELS, strict=True)):
        target = preset.on(question_sizes)
        st.button(
            label,
            key=f"stage_preset_{i}",
            on_click=load_spec_into_widgets,
            args=(target,),
            type="primary" if spec == target else "secondary",
            help=preset.label,
        )
    low, high = VARIANTS[spec.variant].shared_range(spec)
    if high > low:
        session.stage_k = spec.shared_layers  # follows the sidebar and presets
        st.segmented_control(
            "k",
            list(range(low, high + 1)),
            key=Session.stage_k.key,
            format_func=lambda k: f"k = {k}" if k == low else str(k),
            required=True,
            on_change=_set_k_from_stage,
            label_visibility="collapsed",
            help=table.SHARED_LAYERS.label,
        )


def _presets() -> None:
    st.caption("Presets")
    question_sizes = ModelSpec()  # a preset button shows the question's own model exactly
    for i, preset in enumerate(PRESETS):
        st.button(
            preset.label,
            key=f"preset_{i}",
            on_click=load_spec_into_widgets,
            args=(preset.on(question_sizes),),
            width="stretch",
        )


def _number(setting: Setting, help_instead: str | None = None, **options) -> None:
    """A number input with the setting's own label, bounds and help (models.settings)."""
    st.number_input(
        setting.label,
        min_value=setting.low,
        max_value=setting.high,
        key=setting.key,
        help=help_instead or setting.help_text() or None,
        **options,
    )


def _list_text(setting: Setting, placeholder: str | None = None) -> None:
    """A comma list's text box, read into a list once each time it changes."""
    st.text_input(
        setting.label,
        key=setting.key,
        help=setting.help_text(),
        placeholder=placeholder,
        on_change=read_list_text,
        args=(setting.field,),
    )


def _task_groups() -> None:
    """The branched variant's groups; empty shows the default tree it stands for."""
    n_tasks = spec_from_widgets()[0].n_tasks
    default = list_text(labels_of(default_groups(n_tasks)))
    _list_text(table.TASK_GROUPS, placeholder=f"{default} (the default: two halves)")


def _advanced() -> None:
    with st.expander("Advanced: layer sizes"):
        by_csv = "Set by the picked CSV columns." if using_csv() else None
        _number(table.FEATURES, by_csv, disabled=using_csv())
        _number(table.EXTRA_INPUTS, by_csv, disabled=using_csv())
        _number(table.TIMESTEPS)
        _number(table.HORIZON)
        _list_text(table.CONV_FILTERS)
        _number(table.KERNEL_SIZE)
        _list_text(table.DENSE_UNITS)
        st.selectbox(table.ACTIVATION.label, table.ACTIVATION.choices, key=table.ACTIVATION.key)


def _training() -> None:
    st.header("Training")
    _number(table.EPOCHS, step=100)
    lr = table.LEARNING_RATE
    rates = sorted({*lr.options, float(st.session_state[lr.key])})  # a linked value stays
    st.select_slider(lr.label, rates, key=lr.key, format_func=show)
    render_data_settings()
    with st.expander("Optimiser and seed"):
        _number(table.BATCH_SIZE)
        _number(table.SEED)
        method = table.METHOD
        st.selectbox(method.label, method.choices, key=method.key, help=method.help)
        _list_text(table.TASK_WEIGHTS, placeholder="all 1")


def _shared_slider(variant: str) -> None:
    state, key = st.session_state, table.SHARED_LAYERS.key
    probe = spec_from_widgets()[0].replace(variant=variant)
    low, high = VARIANTS[variant].shared_range(probe)
    # The range follows the variant (and the sizes): the one clamp the registry defines.
    state[key] = clamp_k(probe.replace(shared_layers=int(state[key]))).shared_layers
    if high == low:
        st.caption(f"Shared layers: {low} (this variant has nothing else to share).")
        return
    st.select_slider(
        table.SHARED_LAYERS.label,
        options=list(range(low, high + 1)),
        key=table.SHARED_LAYERS.key,
        format_func=lambda k: _slider_label(probe, k),
        help=VARIANTS[variant].k_help,
    )


def render_sidebar() -> None:
    """Draw every control; their values live in session state under the URL keys."""
    sync_features()  # before the features input is drawn: it follows the picked CSV columns
    with st.sidebar:
        st.header("Model")
        _presets()
        # Radio buttons, not a drop-down: every variant's full name shows (a select box cut
        # them to "Hard sharing: one trunk, a head p").
        variant = st.radio(
            table.VARIANT.label,
            list(VARIANTS),
            key=table.VARIANT.key,
            format_func=lambda v: VARIANTS[v].label,
        )
        st.caption(VARIANTS[variant].summary)
        _shared_slider(variant)
        if VARIANTS[variant].reads_groups:
            _task_groups()
        _advanced()
        _training()
        st.html(COLLAPSE_WHEN_NARROW, unsafe_allow_javascript=True)
