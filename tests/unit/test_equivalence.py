"""The equivalence lab's numbers, for the question's sizes and one other size setting."""

from __future__ import annotations

import pytest

from models.architectures.variants import validate
from models.lab.common import Check, Unavailable
from models.lab.conv import ConvComparison
from models.lab.folded import FoldedTower
from models.lab.gradients import GradientSum
from models.lab.kinds import SharingKinds
from models.lab.runner import run_lab
from models.spec import ModelSpec

QUESTION = ModelSpec()
# 3 features x 12 steps, conv (4, 6) kernel 2, dense (16,), horizon 5.
OTHER = ModelSpec(
    n_features=3, timesteps=12, conv_filters=(4, 6), kernel_size=2, dense_units=(16,), horizon=5
)


@pytest.fixture(scope="module", params=[QUESTION, OTHER], ids=["question", "other"])
def lab(request):
    return request.param, run_lab(request.param)


def _demo(lab, kind):
    return next(d for d in lab[1].demos if isinstance(d, kind))


def _expected(spec: ModelSpec) -> dict:
    """Parameter counts worked out by hand for the two size settings."""
    return {
        QUESTION: dict(shared=32, full=104, towers_all=128_740, model1=52_012, model2=134_644),
        # conv1 2*1*4+4; 2*3*4+4. Towers all shared: 12 + conv2 (2*4*6+6 = 54)
        # + dense1 (3 towers * 10 steps * 6 + 1) * 16 + heads 3 * (16*5+5) = 12+54+2896+255.
        # Model 1: 28 + 54 + (60*16+16) + 255. Model 2: 12 + 3*54 + 2896 + 255.
        OTHER: dict(shared=12, full=28, towers_all=3_217, model1=1_313, model2=3_325),
    }[spec]


def test_every_demo_runs_and_passes(lab):
    spec, result = lab
    assert len(result.demos) == 4 and not any(isinstance(d, Unavailable) for d in result.demos)
    assert set(result.seconds) == {demo.title for demo in result.demos}  # each one timed
    assert all(seconds > 0 for seconds in result.seconds.values())
    assert all(d.explanation for d in result.demos)


def test_shared_conv_vs_all_features_conv(lab):
    spec, _ = lab
    demo = _demo(lab, ConvComparison)
    f1, k, n = spec.conv_filters[0], spec.kernel_size, spec.n_features
    assert list(demo.kernels["Kernel shape"][:2]) == [str((k, 1, f1)), str((k, n, f1))]
    assert (demo.shared_params, demo.full_params) == (
        _expected(spec)["shared"],
        _expected(spec)["full"],
    )
    assert demo.grouped_matches_shared.passed and demo.grouped_matches_shared.max_abs_diff < 1e-5
    # Nudging feature 2 moves every channel of the mixing conv, only feature 2's of the shared one.
    assert demo.perturbed_feature == 2
    assert demo.full_changed == f1
    assert demo.shared_own_changed == f1
    assert demo.shared_other_changed == 0 and demo.shared_other_max_change == 0.0


def test_shared_gradient_is_the_sum_of_call_gradients(lab):
    spec, _ = lab
    demo = _demo(lab, GradientSum)
    assert demo.n_calls == spec.n_features == len(demo.call_norms)
    assert demo.same_outputs.passed
    assert demo.sum_matches.passed and demo.sum_matches.max_abs_diff < 1e-5
    assert all(norm > 0 for norm in demo.call_norms)
    # The shared gradient is none of the single calls' gradients, but their sum.
    assert all(abs(norm - demo.shared_norm) > 1e-4 for norm in demo.call_norms)
    sum_row, shared_row = demo.table.iloc[-2], demo.table.iloc[-1]
    assert sum_row["‖∂loss/∂kernel‖"] == pytest.approx(shared_row["‖∂loss/∂kernel‖"], abs=1e-6)


def test_all_shared_towers_are_one_folded_tower_but_not_model_1(lab):
    spec, _ = lab
    demo = _demo(lab, FoldedTower)
    n, t = spec.n_features, spec.timesteps
    assert demo.folded_shape == f"(8, {t}, {n}) → ({8 * n}, {t}, 1)"
    assert demo.fold_matches.passed and demo.fold_matches.max_abs_diff < 1e-5
    assert demo.towers_params == _expected(spec)["towers_all"]
    assert demo.model1_params == _expected(spec)["model1"] != demo.towers_params
    differs = demo.differences[demo.differences["Differs"]]
    assert list(differs["Layer"]) == ["conv1", "dense1"]
    flat = spec.conv_lengths[-1] * spec.conv_filters[-1]
    dense1 = differs[differs["Layer"] == "dense1"].iloc[0]
    units = spec.dense_units[0]
    assert (dense1["Towers kernel"], dense1["Model 1 kernel"]) == (
        str((n * flat, units)),
        str((flat, units)),
    )


def test_tying_across_inputs_vs_sharing_across_tasks(lab):
    spec, _ = lab
    demo = _demo(lab, SharingKinds)
    towers, model1 = demo.towers_totals, demo.model1_totals
    shared_conv = _expected(spec)["shared"]
    assert towers.total == _expected(spec)["model2"] and model1.total == _expected(spec)["model1"]
    assert towers.saved_by_tying == (spec.n_features - 1) * shared_conv
    assert model1.saved_by_tying == 0
    trunk = model1.total - model1.task_specific
    assert model1.saved_by_task_sharing == (spec.n_features - 1) * trunk
    conv1 = demo.towers_layers.set_index("Layer object").loc["conv1"]
    assert conv1["Calls"] == spec.n_features and conv1["Role"].startswith("tied")
    assert (demo.model1_layers["Calls"] == 1).all()


def test_question_numbers_in_the_explanations():
    demo = _demo((QUESTION, run_lab(QUESTION)), SharingKinds)
    assert demo.model1_totals.saved_by_task_sharing == 143_916
    assert "143,916" in demo.explanation and "siamese" in demo.explanation


def test_check_has_a_pass_mark():
    assert Check("close", 1e-7).passed
    assert not Check("far", 1e-3).passed


def test_no_conv_layers_says_so_instead_of_failing():
    result = run_lab(ModelSpec(conv_filters=(), shared_layers=0))
    assert [type(d) for d in result.demos[:3]] == [Unavailable] * 3
    assert "conv" in result.demos[0].reason and "conv" in result.demos[1].reason
    assert isinstance(result.demos[3], Unavailable)


def test_lab_runs_where_only_the_nothing_shared_model_is_over_the_cap():
    # Valid as the page's model (hard, k = 4), but one network per feature at these sizes is
    # over the parameter cap: the lab must not validate that model it never builds.
    spec = validate(ModelSpec(n_features=8, timesteps=100, dense_units=(512,), shared_layers=4))
    result = run_lab(spec)
    conv, *towers_demos = result.demos
    assert isinstance(conv, ConvComparison) and conv.shared_params == 3 * 1 * 8 + 8
    # The demos whose own models are over the cap say so, in their place, with the limit.
    assert all(isinstance(d, Unavailable) and "3,000,000" in d.reason for d in towers_demos)
