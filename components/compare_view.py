"""The Compare tab: pick configurations, train them all on the same data and seed, compare."""

from __future__ import annotations

import streamlit as st

from components import batch_runs
from components.compare_charts import curves_figure, scatter_figure
from components.data_source import training_data
from components.resources import analysis_for
from components.state import training_settings
from components.sweep_view import render_sweep
from models.architectures.presets import PRESETS
from models.architectures.variants import VARIANTS
from models.experiments import compare
from models.experiments.compare import MAX_CONFIGURATIONS, Configuration
from models.spec import ModelSpec, SpecError

BATCH = "cmp_batch"
POLL_SECONDS = 0.5
CHART = {"displayModeBar": False}
MAIN_COLUMNS = [
    "Configuration",
    "Total parameters",
    "Shared parameters",
    "Epochs",
    "Final train loss",
    "Final val loss",
    "Best val loss",
    "Best epoch",
    "Time (s)",
    "Status",
]


def _add(config: Configuration) -> None:
    state = st.session_state
    state["cmp_configs"], state["cmp_message"] = compare.add(state["cmp_configs"], config)


def _add_chosen(sizes: ModelSpec) -> None:
    state = st.session_state
    try:
        _add(compare.configuration(state["cmp_variant"], int(state["cmp_k"]), sizes))
    except SpecError as error:
        state["cmp_message"] = f"Cannot add this configuration: {error}"


def _remove(index: int) -> None:
    configs = st.session_state["cmp_configs"]
    st.session_state["cmp_configs"] = configs[:index] + configs[index + 1 :]


def _train_all(configs: list[Configuration], source, config, colours: dict) -> None:
    jobs = compare.build_jobs(configs, source, config)
    batch_runs.start_batch(BATCH, configs, jobs, colours)


def _current_configs(spec: ModelSpec) -> list[Configuration]:
    """The session's configurations on the sidebar's current sizes (defaults on first visit)."""
    state = st.session_state
    if "cmp_configs" not in state:
        state["cmp_configs"] = compare.default_configurations(spec)
    configs, messages = compare.resize(state["cmp_configs"], spec)
    for message in messages:
        st.warning(message, icon="⚠️")
    state["cmp_configs"] = configs
    state["cmp_colours"] = compare.colours_for(
        [c.spec for c in configs], state.get("cmp_colours", {})
    )
    return configs


def _quick_picks(spec: ModelSpec, configs: list[Configuration], full: bool) -> None:
    columns = st.columns(len(PRESETS))
    for i, (column, preset) in enumerate(zip(columns, PRESETS, strict=True)):
        try:
            config = compare.preset_configuration(preset, spec)
        except SpecError as error:
            column.button(
                f"+ {preset.label}", key=f"cmp_preset_{i}", disabled=True, help=str(error)
            )
            continue
        present = any(c.spec == config.spec for c in configs)
        column.button(
            f"+ {preset.label}",
            key=f"cmp_preset_{i}",
            disabled=present or full,
            on_click=_add,
            args=(config,),
            width="stretch",
        )


def _any_pick(spec: ModelSpec, full: bool) -> None:
    state = st.session_state
    left, middle, right = st.columns([4, 2, 1], vertical_alignment="bottom")
    variant = left.selectbox(
        "Variant", list(VARIANTS), key="cmp_variant", format_func=lambda v: VARIANTS[v].label
    )
    try:
        low, high = VARIANTS[variant].shared_range(compare.on_sizes(variant, 0, spec))
    except SpecError as error:
        middle.caption(f"Not available on these sizes: {error}")
        return
    state["cmp_k"] = min(max(int(state.get("cmp_k", high)), low), high)
    middle.number_input("Shared layers k", low, high, key="cmp_k")
    right.button("Add", key="cmp_add", disabled=full, on_click=_add_chosen, args=(spec,))


def _listing(configs: list[Configuration], colours: dict) -> None:
    for i, config in enumerate(configs):
        totals = analysis_for(config.spec).totals
        name, info, remove = st.columns([4, 5, 1], vertical_alignment="center")
        name.markdown(
            f'<span style="color:{colours[config.spec]}">■</span> **{config.label}**',
            unsafe_allow_html=True,
        )
        info.caption(
            f"{compare.short_name(config.spec)} · {totals.total:,} parameters · "
            f"{totals.shared:,} shared"
        )
        remove.button("✕", key=f"cmp_remove_{i}", on_click=_remove, args=(i,), help="Remove")


def _picker(spec: ModelSpec, configs: list[Configuration]) -> None:
    state = st.session_state
    full = len(configs) >= MAX_CONFIGURATIONS
    st.markdown("**Configurations** — each is built on the layer sizes set in the sidebar.")
    _quick_picks(spec, configs, full)
    _any_pick(spec, full)
    if state.get("cmp_message"):
        st.info(state.pop("cmp_message"), icon="ℹ️")
    elif full:
        st.info(f"{MAX_CONFIGURATIONS} configurations is the most: remove one to add another.")
    _listing(configs, state["cmp_colours"])


def _lines(batch: dict, histories: list) -> list:
    items = batch["items"]
    return [(c.label, batch["colours"][c.spec], h) for c, h in zip(items, histories, strict=True)]


def _live() -> None:
    """Polled while the batch runs: a progress bar per run and the growing curves."""
    state = st.session_state
    if not batch_runs.running(BATCH):
        return
    batch = state[BATCH]
    histories = batch_runs.histories(BATCH)  # each progress file read once per poll
    batch_runs.show_progress(BATCH, [c.label for c in batch["items"]], histories)
    n_tasks = batch["items"][0].spec.n_features
    figure = curves_figure(
        _lines(batch, histories), n_tasks, state["cmp_per_task"], state["cmp_log"]
    )
    st.plotly_chart(figure, key="cmp_live", config=CHART)
    if batch_runs.collect_if_done(BATCH):
        st.rerun(scope="app")


def _results() -> None:
    state = st.session_state
    batch = state.get(BATCH)
    if batch is None or batch["outcomes"] is None:
        return
    configs, histories = batch["items"], batch_runs.histories(BATCH)
    records = [
        compare.RunRecord(c, analysis_for(c.spec).totals, h, status, seconds)
        for c, h, (status, seconds) in zip(
            configs, histories, batch_runs.statuses(BATCH), strict=True
        )
    ]
    n_tasks = configs[0].spec.n_features
    table = compare.results_table(records, n_tasks)
    per_task = state["cmp_per_task"]
    st.plotly_chart(
        curves_figure(_lines(batch, histories), n_tasks, per_task, state["cmp_log"]),
        key="cmp_curves",
        config=CHART,
    )
    shown = table if per_task else table[MAIN_COLUMNS]
    losses = [c for c in shown.columns if "loss" in c or "task" in c]
    st.dataframe(
        shown.style.format(
            {c: "{:.4f}" for c in losses}
            | {"Time (s)": "{:.1f}", "Total parameters": "{:,}", "Shared parameters": "{:,}"}
        ),
        hide_index=True,
        width="stretch",
    )
    st.plotly_chart(
        scatter_figure(table, [batch["colours"][c.spec] for c in configs]),
        key="cmp_scatter",
        config=CHART,
    )
    st.download_button(
        "Download the results (CSV)",
        table.to_csv(index=False),
        file_name="comparison.csv",
        mime="text/csv",
        key="cmp_download",
    )


def _controls(spec: ModelSpec, configs: list[Configuration]) -> None:
    state = st.session_state
    source, problem = training_data(spec)  # the toy series or the uploaded CSV, as in Train
    config = training_settings()[1]
    try:
        config.validate()
    except SpecError as error:
        problem = problem or str(error)
    train, stop, per_task, log = st.columns([1, 1, 1, 1], vertical_alignment="center")
    train.button(
        "Train all",
        type="primary",
        width="stretch",
        disabled=problem is not None or not configs,
        on_click=_train_all,
        args=(configs, source, config, state["cmp_colours"]),
    )
    stop.button(
        "Stop all",
        width="stretch",
        disabled=not batch_runs.running(BATCH),
        on_click=batch_runs.stop_batch,
        args=(BATCH,),
    )
    per_task.toggle("Per task", key="cmp_per_task", help="A panel per task's validation loss.")
    log.toggle("Log scale", key="cmp_log")
    if problem:
        st.error(f"Cannot train with these settings: {problem}", icon="🚫")
    if source is not None:
        st.caption(
            f"Every configuration trains on the same data and seed: {source.describe()}, "
            f"seed {config.seed} · {config.epochs:,} epochs, lr {config.learning_rate:g}, "
            f"batch {config.batch_size} (Training settings in the sidebar)."
        )


def render_compare(spec: ModelSpec) -> None:
    """The Compare tab: configurations on the sidebar's sizes, their runs and results."""
    state = st.session_state
    state.setdefault("cmp_per_task", False)
    state.setdefault("cmp_log", True)
    configs = _current_configs(spec)
    _picker(spec, configs)
    _controls(spec, configs)
    running = batch_runs.running(BATCH)
    # In its own container, so a poll still in flight when the run ends cannot touch
    # the elements drawn after it (the outcome message was seen to vanish otherwise).
    with st.container():
        st.fragment(_live, run_every=POLL_SECONDS if running else None)()
    _results()
    st.divider()
    render_sweep(spec)
