"""The Question tab: the asker's three questions, each answered with a verdict computed live
from the Lab's checks, and a way to the evidence (the graph of a preset, the Lab section)."""

from __future__ import annotations

import streamlit as st

from components.shell.navigation import COMPARE, LAB, MODEL, open_tab
from components.shell.resources import KerasUnavailable, analysis_for, lab_for
from components.shell.session import session
from components.shell.state import load_spec_into_widgets
from models.analysis.records import Analysis
from models.architectures.groups import default_groups, describe
from models.architectures.presets import MODEL_1, MODEL_2, Preset
from models.architectures.variants import clamp_k, validate
from models.lab.answers import Answer, answers
from models.lab.common import lab_sizes
from models.settings import FAMILIES, RELATEDNESS
from models.spec import ModelSpec, SpecError

VERDICT_COLOURS = {"Yes": "green", "No": "blue", "Partly": "orange"}
LETTERS = ("a", "b", "c")


def _analysis(preset: Preset, sizes: ModelSpec) -> tuple[Analysis | None, str]:
    """The preset's analysis on these sizes, or None and why it cannot be built."""
    try:
        return analysis_for(preset.on(sizes)), ""
    except SpecError as error:
        return None, str(error)


def _count(analysis: Analysis | None) -> str:
    return f"{analysis.totals.total:,} parameters" if analysis else "not buildable at these sizes"


def _context(sizes: ModelSpec, model1: Analysis | None, model2: Analysis | None) -> None:
    which = (
        f"forecasts {sizes.n_features} series: windows of {sizes.timesteps} steps in, the next "
        f"{sizes.horizon} steps of each series out (one task per series). "
        if not sizes.extra_inputs
        else f"forecasts {sizes.n_tasks} of {sizes.n_features} series: windows of "
        f"{sizes.timesteps} steps of all in, the next {sizes.horizon} steps of the first "
        f"{sizes.n_tasks} out (one task each; the last {sizes.extra_inputs} are inputs only). "
    )
    st.markdown(
        f"A practitioner {which}"
        f"**Model 1** runs one Conv1D trunk on all features and gives each task a head "
        f"({_count(model1)}). **Model 2** gives each feature its own tower, whose first "
        f"Conv1D is one layer object called on every feature ({_count(model2)}). They asked:"
    )


def _go_to_graph(spec: ModelSpec) -> None:
    load_spec_into_widgets(spec)
    session.view = "calls"  # one node per call: the tied calls are in sight
    open_tab(MODEL)


def _answer(letter: str, answer: Answer, sizes: ModelSpec) -> None:
    with st.container(border=True):
        st.markdown(f"**({letter}) {answer.question}**")
        verdict, words = st.columns([1, 6], vertical_alignment="center")
        with verdict:
            st.badge(answer.verdict, color=VERDICT_COLOURS.get(answer.verdict, "gray"))
        words.markdown(answer.sentence)
        graph, lab = st.columns(2)
        try:
            target, problem = answer.preset.on(sizes), None
        except SpecError as error:
            target, problem = None, str(error)
        graph.button(
            f"See it in the graph: {answer.preset.label}",
            key=f"question_graph_{letter}",
            on_click=_go_to_graph,
            args=(target,),
            disabled=target is None,
            help=problem,
            icon=":material/account_tree:",
            width="stretch",
        )
        number, _, title = answer.lab_section.partition(" · ")  # "1 · One shared Conv1D …"
        lab.button(  # the title in full ends in "…" in half a laptop's column: it is the help
            f"The evidence in the Lab, section {number}",
            help=title or None,
            key=f"question_lab_{letter}",
            on_click=open_tab,
            args=(LAB,),
            icon=":material/science:",
            width="stretch",
        )


def render_question(spec: ModelSpec) -> None:
    """The three answers at the sidebar's current sizes (the question's own by default)."""
    sizes = lab_sizes(spec)
    (model1, _), (model2, problem) = _analysis(MODEL_1, sizes), _analysis(MODEL_2, sizes)
    _context(sizes, model1, model2)
    try:
        found = answers(lab_for(sizes), model2, problem)
    except KerasUnavailable as error:
        st.warning(f"The verdicts could not be checked: {error}", icon="⚠️")
        return
    for letter, answer in zip(LETTERS, found, strict=True):
        _answer(letter, answer, sizes)
    st.caption(
        "Every verdict and number above is computed now, from the same checks the Lab shows, "
        "at the sizes set in the sidebar: change them and the answers follow."
    )
    _next_question(sizes)


def _next_question(sizes: ModelSpec) -> None:
    """Where the asker's next question is answered: which tasks should share what."""
    with st.container(border=True):
        st.markdown(
            "**The next question: which tasks should share what?** Between model 1 (one trunk "
            "for every task) and nothing shared lies a tree: a trunk, then a branch per group "
            "of tasks. On data where series 1–2 follow one signal and 3–4 another, the "
            "grouping oracle trains every grouping and checks what the tasks' affinity "
            "predicts."
        )
        graph, oracle = st.columns(2)
        try:
            tree = clamp_k(sizes.replace(variant="branched", shared_layers=0))
            validate(tree)
        except SpecError as error:
            tree, problem = None, str(error)
        else:
            problem = None
        graph.button(
            f"See a tree in the graph: tasks {describe(default_groups(sizes.n_tasks))}",
            key="question_tree",
            on_click=_go_to_graph,
            args=(tree,),
            disabled=tree is None,
            help=problem,
            icon=":material/account_tree:",
            width="stretch",
        )
        oracle.button(
            "Try the grouping oracle on two families of series",
            key="question_oracle",
            on_click=_two_families,
            icon=":material/leaderboard:",
            width="stretch",
        )


def _two_families() -> None:
    """Toy data whose series 1-2 and 3-4 each follow a signal of their own, then Compare."""
    session.data_source = "toy"
    st.session_state[FAMILIES.key] = 2
    st.session_state[RELATEDNESS.key] = 1.0
    open_tab(COMPARE)
