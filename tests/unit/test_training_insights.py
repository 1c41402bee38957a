"""What a run records beyond losses: gradient conflict, cross-stitch mixing, CSV history."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from models.architectures.variants import VARIANTS, Variant, build_model
from models.data.toy_data import Dataset, DataSpec, make_dataset
from models.spec import ModelSpec
from models.training.compiled import compiled_model
from models.training.engine import MAX_CONFLICT_POINTS, TrainConfig, conflict_every, train
from models.training.history import to_csv

# Trains in worker processes or drives many page runs: left out of the quick loop.
pytestmark = pytest.mark.slow


# Trunk conv1, conv2, (flatten), dense1 serves every task; the heads are per task.
SMALL = ModelSpec(conv_filters=(4, 8), dense_units=(16,), shared_layers=3)
TRUNK = ("conv1", "conv2", "dense1")
PAIRS = [(i, j) for i in range(1, 5) for j in range(i + 1, 5)]


@pytest.fixture(scope="module")
def data() -> Dataset:
    return make_dataset(DataSpec(samples=60, val_samples=20), 4, 10, 10)


def _cosines_outside_the_engine(spec, weights, layer_names, x, y) -> dict:
    """Per-task gradients on the named layers' weights with a plain GradientTape."""
    import tensorflow as tf

    model = build_model(spec)
    model.set_weights(weights)
    variables = [v for name in layer_names for v in model.get_layer(name).trainable_variables]
    grads = []
    for t in range(spec.n_features):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(y[:, t] - model(x)[t]))
        grads.append(np.concatenate([g.numpy().ravel() for g in tape.gradient(loss, variables)]))
    unit = [g / np.linalg.norm(g) for g in grads]
    return {(i, j): float(unit[i - 1] @ unit[j - 1]) for i, j in PAIRS}


@pytest.mark.parametrize("eval_batch", [None, 16], ids=["one-pass", "in-parts"])
def test_recorded_cosines_match_gradients_computed_directly(data, eval_batch):
    result = train(SMALL, data, TrainConfig(epochs=3), eval_batch=eval_batch)
    history = result.history
    names = [f"gcos_{i}_{j}" for i, j in PAIRS]
    cosines = [c for c in history.columns if c.startswith("gcos_")]
    assert cosines == ["gcos_mean", *names]
    # The last epoch's probe ran on the final weights and the first PROBE_SAMPLES (here all 60)
    # windows: with eval_batch 16, in four parts whose gradients the engine summed.
    expected = _cosines_outside_the_engine(SMALL, result.weights, TRUNK, data.x_train, data.y_train)
    last = history.iloc[-1]
    for (i, j), cosine in expected.items():
        assert last[f"gcos_{i}_{j}"] == pytest.approx(cosine, abs=1e-4)
    assert last["gcos_mean"] == pytest.approx(np.mean(list(expected.values())), abs=1e-4)
    assert history[names].abs().max().max() <= 1 + 1e-5


def test_tasks_with_identical_targets_and_heads_agree(data, monkeypatch):
    # Equal heads and equal targets make the four tasks one task four times: cosine 1.
    model = build_model(SMALL)
    model.set_weights(compiled_model(SMALL).initial_weights(0))
    head = model.get_layer("task1_head").get_weights()
    for t in range(2, 5):
        model.get_layer(f"task{t}_head").set_weights(head)
    monkeypatch.setattr(compiled_model(SMALL), "initial_weights", lambda seed: model.get_weights())
    same_y = np.repeat(data.y_train[:, :1], 4, axis=1)
    same_val = np.repeat(data.y_val[:, :1], 4, axis=1)
    twins = Dataset(data.x_train, same_y, data.x_val, same_val, data.mean, data.std)
    history = train(SMALL, twins, TrainConfig(epochs=4)).history
    np.testing.assert_allclose(history.filter(like="gcos_").dropna(), 1.0, atol=1e-4)


def test_no_conflict_columns_without_task_shared_weights_or_tracking(data):
    separate = train(SMALL.replace(shared_layers=0), data, TrainConfig(epochs=2)).history
    assert not any(c.startswith("gcos") for c in separate.columns)
    entry = compiled_model(SMALL)
    train(SMALL, data, TrainConfig(epochs=2))  # compiled by now
    traces = entry.trace_count
    tracked = train(SMALL, data, TrainConfig(epochs=6))
    untracked = train(SMALL, data, TrainConfig(epochs=6, track_conflict=False))
    assert not any(c.startswith("gcos") for c in untracked.history.columns)
    assert entry.trace_count == traces  # the flag is a tensor: no retracing
    # Measuring never changes the training itself.
    same = list(untracked.history.columns)
    assert np.array_equal(tracked.history[same].to_numpy(), untracked.history.to_numpy())


def test_history_csv_parses_back_to_the_history(data):
    history = train(SMALL, data, TrainConfig(epochs=5)).history
    parsed = pd.read_csv(io.StringIO(to_csv(history)))
    pd.testing.assert_frame_equal(parsed, history)


def _build_cross_stitch(spec: ModelSpec):
    """Flatten, a Dense per task, cross_stitch1, a Dense per task, cross_stitch2, heads."""
    import keras
    from keras import layers, ops

    class CrossStitch(layers.Layer):
        def build(self, input_shape):
            n = len(input_shape)
            self.alpha = self.add_weight(
                shape=(n, n), initializer=keras.initializers.Identity(), name="alpha"
            )

        def call(self, inputs):
            mixed = ops.einsum("ij,njd->nid", self.alpha, ops.stack(inputs, axis=1))
            return [mixed[:, i] for i in range(len(inputs))]

    series = keras.Input((spec.timesteps, spec.n_features), name="series")
    flat = layers.Flatten(name="flatten")(series)
    tasks = [layers.Dense(8, "relu", name=f"task{t + 1}_a")(flat) for t in range(spec.n_features)]
    tasks = CrossStitch(name="cross_stitch1")(tasks)
    tasks = [layers.Dense(8, "relu", name=f"task{t + 1}_b")(x) for t, x in enumerate(tasks)]
    tasks = CrossStitch(name="cross_stitch2")(tasks)
    heads = [layers.Dense(spec.horizon, name=f"task{t + 1}_head")(x) for t, x in enumerate(tasks)]
    return keras.Model(series, heads, name="cross_stitch_test")


def test_cross_stitch_matrices_are_returned(data, monkeypatch):
    variant = Variant(
        name="xstitch_test",
        label="test only",
        summary="",
        build=_build_cross_stitch,
        count_params=lambda spec: 0,
        shareable=lambda spec: [],
        split_inputs=lambda spec, x: x,
        explain=lambda spec, analysis: [],
    )
    monkeypatch.setitem(VARIANTS, variant.name, variant)
    spec = ModelSpec(variant=variant.name, shared_layers=0)
    result = train(spec, data, TrainConfig(epochs=5, learning_rate=0.01))
    assert result.status == "finished"
    assert set(result.mixing) == {"cross_stitch1", "cross_stitch2"}
    model = _build_cross_stitch(spec)
    model.set_weights(result.weights)
    for name, matrix in result.mixing.items():
        assert matrix.shape == (4, 4)
        np.testing.assert_array_equal(matrix, model.get_layer(name).alpha.numpy())
        assert not np.allclose(matrix, np.eye(4))  # it learned
    # Cross-stitch units pass every task's gradient to every layer: all of it is shared.
    assert "gcos_mean" in result.history.columns
    assert train(SMALL, data, TrainConfig(epochs=1)).mixing == {}


def test_conflict_and_mixing_figures():
    from components.train.charts import mixing_figure
    from components.train.conflict_charts import conflict_figure

    history = pd.DataFrame(
        {
            "epoch": [1, 2],
            "gcos_mean": [0.1, -0.2],
            "gcos_1_2": [0.3, -0.5],
            "gcos_1_3": [0.0, 0.1],
            "gcos_2_3": [0.0, -0.2],
        }
    )
    assert [t.name for t in conflict_figure(history).data] == ["mean"]
    names = [t.name for t in conflict_figure(history, show_pairs=True).data]
    assert names == ["tasks 1 & 2", "tasks 1 & 3", "tasks 2 & 3", "mean"]
    fig = mixing_figure({"cross_stitch1": np.eye(3), "cross_stitch2": -2 * np.eye(3)})
    heatmaps = [t for t in fig.data if t.type == "heatmap"]
    assert len(heatmaps) == 2 and {(h.zmin, h.zmax) for h in heatmaps} == {(-2.0, 2.0)}
    assert list(heatmaps[1].z[0]) == [-2.0, 0.0, 0.0]


def test_conflict_is_measured_on_a_schedule_and_on_the_last_epoch(data):
    epochs = 3 * MAX_CONFLICT_POINTS + 7
    history = train(SMALL, data, TrainConfig(epochs=epochs, batch_size=64)).history
    measured = history.dropna(subset=["gcos_mean"])["epoch"].tolist()
    every = conflict_every(epochs)
    assert every == 4 and len(measured) <= MAX_CONFLICT_POINTS + 1
    assert measured[:3] == [1, 1 + every, 1 + 2 * every] and measured[-1] == epochs
    assert conflict_every(MAX_CONFLICT_POINTS) == 1  # a short run is measured every epoch
