"""The Question tab's verdicts: read off the Lab's computed results, never written in."""

from __future__ import annotations

import dataclasses

import pytest

from models.architectures.presets import MODEL_2
from models.inspect import explained_analysis
from models.lab.answers import NOT_HERE, answers
from models.lab.conv import ConvComparison
from models.lab.folded import FoldedTower
from models.lab.runner import run_lab
from models.spec import ModelSpec


@pytest.fixture(scope="module")
def question():
    sizes = ModelSpec()
    return run_lab(sizes), explained_analysis(MODEL_2.on(sizes))


def test_the_question_is_answered_no_partly_no_with_its_numbers(question):
    lab, model2 = question
    conv, first_layer, all_shared = answers(lab, model2)
    assert (conv.verdict, first_layer.verdict, all_shared.verdict) == ("No", "Partly", "No")
    assert "32 against 104 parameters" in conv.sentence
    assert "reproduces the shared layer exactly" in conv.sentence
    assert "conv1 is weight tying across inputs" in first_layer.sentence
    assert "called 4 times" in first_layer.sentence
    assert "dense1 and dense2 are hard sharing across tasks" in first_layer.sentence
    assert "128,740 against 52,012 parameters; they differ in conv1 and dense1" in (
        all_shared.sentence
    )


def test_verdicts_follow_the_computed_numbers_not_the_text(question):
    lab, model2 = question
    demos = [
        dataclasses.replace(d, full_params=d.shared_params)
        if isinstance(d, ConvComparison)
        else dataclasses.replace(
            d, towers_params=d.model1_params, differences=d.differences.iloc[0:0]
        )
        if isinstance(d, FoldedTower)
        else d
        for d in lab.demos
    ]
    conv, _, all_shared = answers(dataclasses.replace(lab, demos=tuple(demos)), model2)
    assert conv.verdict == "Yes" and all_shared.verdict == "Yes"
    assert "52,012 against 52,012" in all_shared.sentence


def test_one_feature_turns_the_answers_around():
    sizes = ModelSpec(n_features=1)
    conv, first_layer, all_shared = answers(run_lab(sizes), explained_analysis(MODEL_2.on(sizes)))
    assert (conv.verdict, first_layer.verdict, all_shared.verdict) == ("Yes", "No", "Yes")


def test_sizes_without_conv_layers_say_why():
    sizes = ModelSpec(conv_filters=())
    conv, first_layer, all_shared = answers(run_lab(sizes), None, "no conv layer")
    assert conv.verdict == first_layer.verdict == all_shared.verdict == NOT_HERE
    assert "no conv layer" in first_layer.sentence
