"""Which tasks should share: the grouping oracle, and a proposed tree tested beside its model.

Both are one batch of runs on several seeds (`models.experiments.grouping`), ranked by best
validation loss with the seeds' spread; the Train tab starts a proposed tree's test here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from components.compare.charts import ranking_figure
from components.compare.grouping_reading import READINGS
from components.data.source import training_data
from components.shell.boundary import guarded
from components.shell.navigation import COMPARE, open_tab
from components.shell.runs import BatchPanel, refuse
from components.shell.session import Session, session
from components.shell.state import training_settings
from components.train.charts import CHART
from models.architectures.groups import describe
from models.architectures.presets import NOTHING_SHARED
from models.data.csv_write import safe_csv
from models.experiments import grouping
from models.experiments.affinity_groups import Proposal, predicted
from models.experiments.configurations import Configuration, named
from models.experiments.grouping import GROUPING_BATCH, GROUPING_EPOCHS, GROUPING_SEEDS
from models.experiments.sweep import sweep_seeds
from models.spec import ModelSpec, SpecError
from models.workers.batch import Batch

ANCHOR = "grouping"
POLL_SECONDS = 1.0  # a grouping's figure moves only when one of its runs ends
ORACLE_BUTTON = "Train every grouping"
PANEL = BatchPanel(Session.cmp_groups, POLL_SECONDS, stop_key="groups_stop")


def _start(runs: list, about: dict) -> None:
    session.cmp_groups_about = about
    PANEL.start(runs, [r.job for r in runs])


def start_trial(spec: ModelSpec, proposal: Proposal, label: str) -> None:
    """The Train tab's button: train the proposed tree beside `spec` (called `label`) and
    nothing shared, on each seed, and open the Compare tab to watch."""
    source, problem = training_data(spec)
    if problem is not None:
        refuse(PANEL.slot, f"Cannot test the tree: {problem}")
        _open_compare()
    candidates = [
        Configuration(f"This model: {label}", spec),
        Configuration(f"Proposed tree {describe(proposal.groups)}", proposal.spec),
    ]
    try:
        candidates.append(named(NOTHING_SHARED.on(spec), spec))
    except SpecError:
        pass  # sizes nothing-shared cannot take: the tree is tested against this model only
    configs = [
        c for i, c in enumerate(candidates) if c.spec not in {x.spec for x in candidates[:i]}
    ]
    runs = grouping.grouping_runs([(c, ()) for c in configs], source, training_settings()[1])
    _start(runs, {"kind": "trial", "text": proposal.sentence, "marked": configs[1].label})
    _open_compare()


def _open_compare() -> None:
    """Switch to the Compare tab and redraw the whole page: the button sits in the Train tab's
    fragment, whose own rerun would leave the tabs as they were."""
    open_tab(COMPARE)
    st.rerun(scope="app")


def render_trial_pointer() -> None:
    """At the top of the Compare tab: where the Train tab's proposed tree is being tested."""
    if session.cmp_groups_about.get("kind") == "trial" and PANEL.batch() is not None:
        word = "is training" if PANEL.running() else "was tested"
        st.info(
            f"The proposed tree {word} beside its model: [see it below](#{ANCHOR}).",
            icon=":material/account_tree:",
        )


def _oracle_plan(spec: ModelSpec) -> tuple[list, str, str | None]:
    """(runs, how the groupings were chosen, a problem that stops the oracle or None)."""
    source, problem = training_data(spec)
    stored = session.last_affinity
    groupings, how = grouping.oracle_groupings(spec.n_tasks, stored)
    if problem is not None or not groupings:
        return [], how, problem or how
    try:
        config = training_settings()[1].validate(spec.n_tasks)
        configs = grouping.oracle_configurations(spec, groupings)
    except SpecError as error:
        return [], how, str(error)
    return grouping.grouping_runs(configs, source, config, grouping.one_trunk(configs)), how, None


def _ranked(batch: Batch) -> tuple[pd.DataFrame, str | None]:
    """The ranking of the runs finished so far (no half-trained points) and the label drawn in
    orange, from one read of the runs' histories."""
    histories = batch.histories(finished_only=True)
    return grouping.ranking(batch.items, histories), _marked(batch, histories)


def _marked(batch: Batch, histories: list) -> str | None:
    """A trial's proposed tree, PCGrad beside the sum, or the oracle's prediction once its
    one-trunk run has measured the affinity."""
    about = session.cmp_groups_about
    if about.get("kind") in ("trial", "methods"):
        return about["marked"]
    n_tasks = batch.items[0].job.spec.n_tasks
    matrix = grouping.measured_affinity(batch.items, histories, n_tasks)
    return None if matrix is None else grouping.grouping_label(predicted(matrix))


@guarded("live grouping test")
def _live() -> None:
    """Polled while the runs go: overall progress and the ranking so far."""
    if not PANEL.running():
        return
    table, marked = _ranked(PANEL.render_runs_done())
    if not table.empty:
        st.plotly_chart(ranking_figure(table, marked), key="groups_live", config=CHART)
    PANEL.collect_when_done()


def _results() -> None:
    batch = PANEL.batch()
    if batch is None or batch.running:
        return
    problems = [s.status for s in batch.statuses() if not s.finished]
    if problems:
        st.warning(f"{len(problems)} run(s) did not finish: {problems[0]}", icon="⚠️")
    about = session.cmp_groups_about
    table, marked = _ranked(batch)
    if about.get("kind") == "trial":
        st.markdown(f"**The proposed tree, tested.** {about['text']}")
    elif about.get("kind") == "methods":
        st.markdown("**The sum, PCGrad and uncertainty weighting: one model, the same seeds.**")
    if about.get("kind") in ("trial", "methods"):  # the oracle's reading is above its button
        st.markdown(READINGS[about["kind"]])
    st.plotly_chart(ranking_figure(table, marked), key="groups_final", config=CHART)
    st.markdown(grouping.oracle_reading(table, marked, about.get("kind", "oracle")))
    st.dataframe(
        table.style.format({c: "{:.4f}" for c in ("Mean", "Min", "Max")}),
        hide_index=True,
        width="stretch",
    )
    st.download_button(
        "Download the ranking (CSV)",
        safe_csv(table),
        file_name="groupings.csv",
        mime="text/csv",
        key="groups_download",
    )


def render_grouping(spec: ModelSpec) -> None:
    """The grouping oracle on the sidebar's sizes, data and learning rate."""
    st.subheader("Which tasks should share? The grouping oracle", anchor=ANCHOR)
    runs, how, problem = _oracle_plan(spec)
    PANEL.render_controls(
        st.columns([3, 1]),
        f"{ORACLE_BUTTON} ({len(runs)} runs)" if runs else ORACLE_BUTTON,
        [r.job for r in runs],
        _start,
        (runs, {"kind": "oracle"}),
        key="groups_start",
        primary=False,
    )
    if problem:  # no runs: the oracle has nothing to rank on these settings
        st.info(problem, icon="🧮")
    seeds = ", ".join(str(s) for s in sweep_seeds(training_settings()[1].seed, GROUPING_SEEDS))
    st.caption(
        f"{how.capitalize()}, each on seeds {seeds} (from the sidebar's seed), "
        f"{GROUPING_EPOCHS} epochs with batch {GROUPING_BATCH}, on the sidebar's data and sizes. "
        "The one-trunk run on the first seed also measures the tasks' affinity. Toy data with "
        "2 families (sidebar, Data) gives tasks 1–2 and 3–4 a signal of their own: a grouping "
        "worth finding."
    )
    st.markdown(READINGS["oracle"])
    _methods(spec)
    PANEL.render_live(_live)
    _results()


def _methods(spec: ModelSpec) -> None:
    """The other answer: keep the model, change how its tasks' gradients are combined."""
    st.markdown(
        "**Or change the gradients, not the architecture.** PCGrad (Yu et al., 2020) projects "
        "each task's gradient on the shared weights off any other it conflicts with; uncertainty "
        "weighting (Kendall et al., 2018) learns a weight per task's loss, lower for a task whose "
        "loss stays high. Plain summed losses, well tuned, often match such methods (Kurin et "
        "al., 2022), so the sum always runs beside them, on the same seeds."
    )
    source, problem = training_data(spec)
    runs = []
    if problem is None:
        try:
            runs = grouping.method_runs(spec, source, training_settings()[1].validate())
        except SpecError as error:
            problem = str(error)
    why_not = problem or PANEL.too_big([r.job for r in runs])
    st.button(
        f"Sum vs PCGrad vs uncertainty weighting on this model ({len(runs)} runs)",
        key="methods_start",
        disabled=why_not is not None,
        help=why_not,
        on_click=_start,
        args=(runs, {"kind": "methods", "marked": grouping.METHOD_LABELS["pcgrad"]}),
    )


def remember_affinity(matrix: np.ndarray) -> None:
    """Keep the Train tab's last affinity: with many tasks the oracle picks candidates by it."""
    session.last_affinity = matrix
