"""The cross-stitch variant: counts, mixing math, analysis, graph, save/load, URL and page."""

from __future__ import annotations

import numpy as np
import pytest

from models.analysis.graph import to_dot
from models.analysis.palette import MIX_FILL, layer_colours
from models.analysis.sharing import analyse
from models.analysis.tables import layer_table
from models.architectures.variants import VARIANTS, build_model
from models.inspect import explained_analysis
from models.spec import ModelSpec
from models.urlstate import spec_from_query, spec_to_query

XS = ModelSpec(variant="cross_stitch", shared_layers=2)
SMALL = ModelSpec(
    variant="cross_stitch",
    n_features=3,
    timesteps=8,
    horizon=2,
    conv_filters=(4, 5),
    dense_units=(6,),
)
TASKS = {f"task{t}_head" for t in range(1, 5)}


# Every weighted layer's parameters for the default sizes, written out by hand.
WEIGHTED = [3 * 4 * 8 + 8, 3 * 8 * 16 + 16, 3 * 16 * 32 + 32, 4 * 32 * 200 + 200, 200 * 100 + 100]


@pytest.mark.parametrize(
    "base",
    [
        ModelSpec(variant="cross_stitch"),
        SMALL,
        SMALL.replace(n_features=1, conv_filters=(), dense_units=(3, 4)),
        SMALL.replace(n_features=5, kernel_size=1, dense_units=(2, 3, 4)),
    ],
)
def test_analytic_count_matches_keras_for_every_k(base):
    variant = VARIANTS["cross_stitch"]
    low, high = variant.shared_range(base)
    assert (low, high) == (0, base.n_conv + base.n_dense)
    for k in range(low, high + 1):
        spec = base.replace(shared_layers=k)
        assert variant.count_params(spec) == build_model(spec).count_params(), spec


def test_default_count_is_four_networks_plus_k_mixing_matrices():
    per_task = sum(WEIGHTED) + 100 * 10 + 10
    assert per_task == 48_982
    for k in range(6):
        spec = XS.replace(shared_layers=k)
        assert build_model(spec).count_params() == 4 * per_task + k * 16


def test_layer_names_and_units_follow_the_hard_body():
    model = build_model(XS.replace(shared_layers=4))
    names = [layer.name for layer in model.layers]
    assert model.name == "cross_stitch_k4"
    for expected in ("task1_conv1", "task1_flatten", "task4_dense1", "task2_head"):
        assert expected in names
    units = [n for n in names if n.startswith("cross_stitch")]
    assert units == [f"cross_stitch{i}" for i in range(1, 5)]
    unit = model.get_layer("cross_stitch4")  # after dense1: conv1..conv3, then dense1
    assert [w.name for w in unit.weights] == ["alpha"] and tuple(unit.alpha.shape) == (4, 4)
    assert unit._inbound_nodes[0].input_tensors[0]._keras_history[0].name == "task1_dense1"
    alpha = unit.alpha.numpy()
    np.testing.assert_allclose(np.diag(alpha), 0.9, rtol=1e-6)
    np.testing.assert_allclose(alpha[~np.eye(4, dtype=bool)], 0.1 / 3, rtol=1e-6)


def test_known_alpha_gives_the_hand_computed_mix():
    from models.architectures.cross_stitch import CrossStitch

    rng = np.random.default_rng(0)
    xs = [rng.normal(size=(2, 5, 3)).astype("float32") for _ in range(3)]
    unit = CrossStitch(name="cross_stitch1")
    unit.build([x.shape for x in xs])
    alpha = rng.normal(size=(3, 3)).astype("float32")
    unit.alpha.assign(alpha)
    out = [np.asarray(o) for o in unit(xs)]
    for i in range(3):
        expected = sum(alpha[i, j] * xs[j] for j in range(3))
        np.testing.assert_allclose(out[i], expected, rtol=1e-5, atol=1e-6)


def _task_gradients(model, x, alpha):
    """Gradient norm of task 1's loss w.r.t. every task's conv1 kernel, for a given alpha."""
    import tensorflow as tf

    for layer in model.layers:
        if layer.name.startswith("cross_stitch"):
            layer.alpha.assign(alpha)
    kernels = [model.get_layer(f"task{t}_conv1").kernel for t in range(1, 5)]
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x)[0]))
    return [float(tf.norm(g)) for g in tape.gradient(loss, kernels)]


def test_identity_alpha_keeps_the_tasks_independent():
    model = build_model(XS.replace(shared_layers=5))
    x = np.random.default_rng(1).normal(size=(6, 10, 4)).astype("float32")
    own, *others = _task_gradients(model, x, np.eye(4, dtype="float32"))
    assert own > 0 and others == [0.0, 0.0, 0.0]
    own, *others = _task_gradients(model, x, np.full((4, 4), 0.25, "float32"))
    assert own > 0 and all(g > 0 for g in others)


def test_analysis_marks_units_as_mixing_every_task():
    a = analyse(build_model(XS))
    for name in ("cross_stitch1", "cross_stitch2"):
        unit = a.layer(name)
        assert unit.mixes_tasks and not unit.tied and unit.n_calls == 1
        assert unit.tasks == TASKS and unit.params == 16
        assert unit.role == "mixes tasks (soft sharing)"
        assert a.calls_of(name)[0].output_shape.startswith("4 × (None, ")
        assert len(a.calls_of(name)[0].parents) == 4
    assert a.layer("task3_conv1").tasks == {"task3_head"}
    assert a.layer("task3_conv1").role == "task-specific"
    assert a.layer("task2_dense2").tasks == {"task2_head"}
    t = a.totals
    assert (t.total, t.shared, t.tied, t.saved) == (195_960, 32, 0, 0)
    assert t.task_specific == 195_928
    row = layer_table(a).set_index("Layer").loc["cross_stitch2"]
    assert row["Tasks served"] == "all 4 tasks" and row["Output shape per call"] == (
        "4 × (None, 6, 16)"
    )


def test_graph_colours_units_and_draws_their_edges():
    a = analyse(build_model(XS))
    fills = layer_colours(a)
    assert fills["cross_stitch1"] == fills["cross_stitch2"] == MIX_FILL
    assert fills["task1_conv1"] == "#FFFFFF"
    for view in ("layers", "calls"):
        dot = to_dot(a, view)
        unit_lines = [line for line in dot.splitlines() if "cross_stitch1 · CrossStitch" in line]
        assert len(unit_lines) == 1 and MIX_FILL in unit_lines[0]
        assert "mixes tasks" in unit_lines[0]
        node = unit_lines[0].split(" ", 1)[0]
        assert sum(f"-> {node};" in line for line in dot.splitlines()) == 4  # one per task
        assert sum(line.startswith(f"{node} -> ") for line in dot.splitlines()) == 4


def test_explanation_names_soft_sharing_and_mixing_parameters():
    text = " ".join(explained_analysis(XS.replace(shared_layers=5)).extra["explanation"])
    assert "soft parameter sharing" in text and "no weight is tied" in text
    assert "5 × 4² = 80 mixing parameters" in text and "conv1 … dense2" in text
    assert "52,012" in text  # hard sharing with the same k
    text = " ".join(explained_analysis(XS.replace(shared_layers=0)).extra["explanation"])
    assert "No cross-stitch unit" in text and "195,928" in text


def test_keras_save_and_safe_load_round_trip(tmp_path):
    import keras

    model = build_model(XS)
    model.get_layer("cross_stitch1").alpha.assign(np.arange(16, dtype="float32").reshape(4, 4))
    path = tmp_path / "xs.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert [w.name for w in loaded.weights] == [w.name for w in model.weights]
    for a, b in zip(loaded.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert loaded.get_layer("cross_stitch2").get_config()["self_weight"] == 0.9
    x = np.random.default_rng(2).normal(size=(3, 10, 4)).astype("float32")
    for a, b in zip(loaded(x), model(x), strict=True):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6)


@pytest.mark.slow
def test_short_training_run_learns_alpha():
    from models.data.toy_data import DataSpec, make_dataset
    from models.training.engine import TrainConfig, train

    spec = SMALL.replace(shared_layers=3)
    data = make_dataset(DataSpec(samples=16, val_samples=8), 3, 8, 2)
    result = train(spec, data, TrainConfig(epochs=3, batch_size=8))
    assert result.status == "finished" and result.epochs_run == 3
    assert np.isfinite(result.history["val_total"]).all()
    model = build_model(spec)
    model.set_weights(result.weights)
    alpha = model.get_layer("cross_stitch3").alpha.numpy()
    initial = build_model(spec).get_layer("cross_stitch3").alpha.numpy()
    assert alpha.shape == (3, 3) and not np.allclose(alpha, initial)


def test_url_round_trip():
    spec, warnings = spec_from_query({"variant": "cross_stitch", "k": "2"})
    assert warnings == [] and spec == XS
    assert spec_to_query(spec)["variant"] == "cross_stitch"
    assert spec_from_query(spec_to_query(SMALL.replace(shared_layers=3))) == (
        SMALL.replace(shared_layers=3),
        [],
    )
