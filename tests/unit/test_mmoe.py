"""The multi-gate mixture of experts: gates that weigh shared experts, exactly counted."""

from __future__ import annotations

import numpy as np
import pytest

from models.analysis.graph import to_dot
from models.analysis.palette import GATE_FILL, layer_colours
from models.analysis.sharing import analyse
from models.architectures.variants import VARIANTS, build_model, clamp_k
from models.data.toy_data import DataSpec
from models.spec import ModelSpec, SpecError
from models.training.engine import TrainConfig, train
from models.training.insights import gate_reading
from models.uploads.examples import model_file_bytes
from models.uploads.loader import analyse_model_file

MMOE = ModelSpec(variant="mmoe", shared_layers=4)


def test_k_is_the_number_of_experts_from_one_to_eight():
    assert VARIANTS["mmoe"].shared_range(MMOE) == (1, 8)
    assert clamp_k(MMOE.replace(shared_layers=0)).shared_layers == 1
    with pytest.raises(SpecError, match="between 1 and 8"):
        build_model(MMOE.replace(shared_layers=9))


def test_experts_are_shared_and_each_task_has_its_own_gate():
    a = analyse(build_model(MMOE))
    assert a.totals.total == VARIANTS["mmoe"].count_params(MMOE) == 196_584
    gates = [layer for layer in a.layers if layer.gates_experts]
    assert [g.name for g in gates] == [f"task{t}_gate" for t in range(1, 5)]
    assert all(len(g.tasks) == 1 and g.params == 40 * 4 + 4 for g in gates)
    assert all(layer.role == "gate: weighs the experts for its task" for layer in gates)
    expert = a.layer("expert3_dense1")
    assert len(expert.tasks) == 4 and expert.role == "shared across tasks"
    assert layer_colours(a)["task2_gate"] == GATE_FILL
    dot = to_dot(a)
    assert "invhouse" in dot and 'label="expert 3"' in dot  # gates and experts are recognisable


def test_a_gate_is_a_softmax_over_the_experts_and_mixes_them_by_it():
    model = build_model(MMOE)
    gate = model.get_layer("task2_gate")
    rng = np.random.default_rng(0)
    window = rng.normal(size=(5, 40)).astype("float32")
    experts = [rng.normal(size=(5, 100)).astype("float32") for _ in range(4)]
    weights = np.asarray(gate.gate(window))
    assert np.allclose(weights.sum(axis=1), 1.0, atol=1e-6) and (weights > 0).all()
    mixed = np.asarray(gate([window, *experts]))
    expected = sum(weights[:, [e]] * experts[e] for e in range(4))
    assert np.allclose(mixed, expected, atol=1e-5)


def test_one_expert_leaves_the_gate_nothing_to_choose():
    gate = build_model(MMOE.replace(shared_layers=1)).get_layer("task1_gate")
    assert np.array_equal(np.asarray(gate.gate(np.ones((3, 40), "float32"))), np.ones((3, 1)))


def test_a_saved_mmoe_loads_in_safe_mode_with_the_same_analysis():
    model = build_model(MMOE.replace(shared_layers=2))
    uploaded = analyse_model_file(model_file_bytes(model))
    assert uploaded.totals == analyse(model).totals
    assert sum(layer.gates_experts for layer in uploaded.layers) == 4


@pytest.mark.slow  # trains
def test_training_reports_how_much_of_each_expert_each_task_uses():
    spec = ModelSpec(variant="mmoe", shared_layers=3, conv_filters=(4,), dense_units=(8,))
    data = DataSpec(samples=20, val_samples=6).materialise(spec)
    result = train(spec, data, TrainConfig(epochs=3, track_conflict=False))
    assert result.gates.shape == (4, 3)
    np.testing.assert_allclose(result.gates.sum(axis=1), 1.0, atol=1e-5)
    reading = gate_reading(np.array([[0.8, 0.2], [0.3, 0.7]]))
    assert reading == "Task 1 uses expert 1 for 80%; Task 2 uses expert 2 for 70% of its input."
    assert (
        train(spec.replace(variant="hard", shared_layers=1), data, TrainConfig(epochs=1)).gates
        is None
    )
    # One expert: the gate's weights get no gradient (its softmax is always 1); still trains.
    lone = train(spec.replace(shared_layers=1), data, TrainConfig(epochs=2))
    assert lone.status == "finished" and lone.gates.shape == (4, 1)
