"""The asker's three questions answered from the Lab's live results: a verdict, one sentence
with the numbers, and where the evidence is. Nothing here is asserted: every verdict is read
off the computed demonstrations (a single feature, for instance, turns (a) and (c) into Yes).
"""

from __future__ import annotations

from dataclasses import dataclass

from models.analysis.records import Analysis
from models.architectures.presets import MODEL_2, TOWERS_ALL_SHARED, Preset
from models.lab.common import Unavailable
from models.lab.conv import CONV_TITLE, ConvComparison
from models.lab.folded import FOLDED_TITLE, FoldedTower
from models.lab.kinds import KINDS_TITLE
from models.lab.runner import LabResult

QUESTIONS = (
    "Is calling one shared Conv1D on each feature the same as model 1's Conv1D applied to the "
    "whole input?",
    "Does that mean model 2's first layer acts like hard parameter sharing?",
    "If every layer of the towers were shared, would the network become model 1?",
)


@dataclass(frozen=True)
class Answer:
    """One question, its verdict ("Yes", "No", "Partly" or "Not at these sizes") and why."""

    question: str
    verdict: str
    sentence: str
    lab_section: str  # the title of the Lab demonstration holding the evidence
    preset: Preset  # the configuration whose graph shows it


def _names(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return f"{names[0]}–{names[-1]}"


def _demo(lab: LabResult, kind: type):
    return next((d for d in lab.demos if isinstance(d, kind)), None)


NOT_HERE = "Not at these sizes"


def _not_here(index: int, reason: str, section: str, preset: Preset) -> Answer:
    return Answer(QUESTIONS[index], NOT_HERE, f"{NOT_HERE}: {reason}", section, preset)


def _reason(lab: LabResult, title: str) -> str:
    return next(d.reason for d in lab.demos if isinstance(d, Unavailable) and d.title == title)


def answer_conv(lab: LabResult) -> Answer:
    """(a) A shared per-feature Conv1D against one Conv1D on every feature."""
    demo = _demo(lab, ConvComparison)
    if demo is None:
        return _not_here(0, _reason(lab, CONV_TITLE), CONV_TITLE, MODEL_2)
    # One feature: both kernels are (kernel, 1, filters) and compute the same function.
    same = demo.shared_params == demo.full_params
    tied = "reproduces" if demo.grouped_matches_shared.passed else "does not reproduce"
    if same:
        sentence = (
            f"With one feature both kernels hold the same {demo.shared_params:,} parameters and "
            "compute the same function: there is nothing to mix."
        )
    else:
        sentence = (
            f"{demo.shared_params:,} against {demo.full_params:,} parameters; one Conv1D on all "
            f"features mixes them (nudging feature {demo.perturbed_feature} moved "
            f"{demo.full_changed} of its output channels), the shared one does not "
            f"({demo.shared_other_changed} channels of the other features moved). A grouped "
            f"Conv1D with tied group kernels {tied} the shared layer exactly."
        )
    return Answer(QUESTIONS[0], "Yes" if same else "No", sentence, CONV_TITLE, MODEL_2)


def answer_first_layer(model2: Analysis | None, reason: str = "") -> Answer:
    """(b) Model 2's kinds of sharing, read off its analysis: tying vs a trunk shared by tasks.

    `model2` is None when the sizes cannot build model 2; `reason` says why.
    """
    if model2 is None:
        return _not_here(1, reason, KINDS_TITLE, MODEL_2)
    all_inputs = frozenset(model2.inputs)
    tied = [layer.name for layer in model2.layers if layer.tied and layer.params]
    trunk = [
        layer.name
        for layer in model2.layers
        if layer.params and not layer.tied and len(layer.tasks) > 1 and layer.inputs == all_inputs
    ]
    if tied and trunk:
        verdict = "Partly"
    else:
        verdict = "Yes" if trunk and not tied else "No"
    parts = []
    if tied:
        calls = model2.layer(tied[0]).n_calls
        parts.append(
            f"{_names(tied)} is weight tying across inputs (one layer object called {calls} "
            "times, once per feature, like a siamese network's twin branches)"
        )
    if trunk:
        parts.append(
            f"{_names(trunk)} {'is' if len(trunk) == 1 else 'are'} hard sharing across tasks "
            f"(called once, read by all {len(model2.tasks)} heads)"
        )
    sentence = f"In model 2, {'; '.join(parts)}." if parts else "Nothing in model 2 is shared here."
    return Answer(QUESTIONS[1], verdict, sentence, KINDS_TITLE, MODEL_2)


def answer_all_shared(lab: LabResult) -> Answer:
    """(c) Towers with every conv shared against model 1."""
    demo = _demo(lab, FoldedTower)
    if demo is None:
        return _not_here(2, _reason(lab, FOLDED_TITLE), FOLDED_TITLE, TOWERS_ALL_SHARED)
    differ = demo.differences[demo.differences["Differs"]]["Layer"].tolist()
    same = not differ and demo.towers_params == demo.model1_params
    where = f"; they differ in {_names(differ)}" if differ else ""
    folded = "one tower on the features folded into the batch" + (
        "" if demo.fold_matches.passed else " (not reproduced here)"
    )
    rest = (
        "With one feature there is nothing to mix or concatenate: the two coincide."
        if same
        else f"With every conv shared the towers are {folded}, which never mixes features "
        "before dense1."
    )
    sentence = f"{demo.towers_params:,} against {demo.model1_params:,} parameters{where}. {rest}"
    return Answer(QUESTIONS[2], "Yes" if same else "No", sentence, FOLDED_TITLE, TOWERS_ALL_SHARED)


def answers(
    lab: LabResult, model2: Analysis | None, model2_problem: str = ""
) -> tuple[Answer, Answer, Answer]:
    """The three answers, in the order the asker put the questions."""
    return answer_conv(lab), answer_first_layer(model2, model2_problem), answer_all_shared(lab)
