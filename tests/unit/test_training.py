"""The training engine: determinism, learning, Stop, divergence and no retracing."""

import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from models.architectures.variants import build_model
from models.data.toy_data import Dataset, DataSpec, make_dataset
from models.settings import LEARNING_RATE
from models.spec import ModelSpec, SpecError
from models.training.chunks import run_chunks
from models.training.compiled import compiled_model
from models.training.engine import TrainConfig, predict, train

# Trains in worker processes or drives many page runs: left out of the quick loop.
pytestmark = pytest.mark.slow


HARD = ModelSpec()  # the question's model 1
TOWERS = ModelSpec(variant="towers", shared_layers=1)  # the question's model 2


@pytest.fixture(scope="module")
def data() -> Dataset:
    return make_dataset(DataSpec(), HARD.n_features, HARD.timesteps, HARD.horizon)


def test_same_inputs_give_identical_runs(data):
    config = TrainConfig(epochs=25, seed=7)
    first, second = train(HARD, data, config), train(HARD, data, config)
    assert first.status == second.status == "finished"
    assert np.array_equal(first.history.to_numpy(), second.history.to_numpy())
    assert all(np.array_equal(a, b) for a, b in zip(first.weights, second.weights, strict=True))
    assert np.array_equal(first.val_predictions, second.val_predictions)
    other_seed = train(HARD, data, TrainConfig(epochs=25, seed=8))
    assert not np.array_equal(first.history.to_numpy(), other_seed.history.to_numpy())


def test_chunking_does_not_change_the_run(data):
    config = TrainConfig(epochs=20)
    runs = [train(HARD, data, config, chunk_epochs=c).history for c in (None, 3, 20)]
    assert all(np.array_equal(runs[0].to_numpy(), run.to_numpy()) for run in runs[1:])


@pytest.mark.parametrize("spec", [HARD, TOWERS], ids=["hard", "towers"])
def test_losses_fall_on_learnable_data(spec, data):
    result = train(spec, data, TrainConfig(epochs=40))
    history = result.history
    assert result.status == "finished" and result.epochs_run == 40
    assert list(history["epoch"]) == list(range(1, 41))
    assert history["train_total"].iloc[-1] < 0.5 * history["train_total"].iloc[0]
    mean_only = ((data.y_val - data.y_train.mean(axis=0)) ** 2).mean(axis=(0, 2)).sum()
    assert history["val_total"].min() < 0.9 * mean_only
    assert result.val_predictions.shape == data.y_val.shape


def test_history_columns_and_totals(data):
    result = train(HARD, data, TrainConfig(epochs=5, track_conflict=False))
    tasks = range(1, HARD.n_features + 1)
    expected = ["epoch", "train_total", "val_total"]
    expected += [f"train_task{t}" for t in tasks] + [f"val_task{t}" for t in tasks]
    history = result.history
    assert list(history.columns) == expected
    train_cols, val_cols = expected[3 : 3 + len(tasks)], expected[3 + len(tasks) :]
    np.testing.assert_allclose(history["train_total"], history[train_cols].sum(axis=1))
    np.testing.assert_allclose(history["val_total"], history[val_cols].sum(axis=1))
    # The last validation losses are those of the returned predictions.
    per_task = ((result.val_predictions - data.y_val) ** 2).mean(axis=(0, 2))
    np.testing.assert_allclose(history[val_cols].iloc[-1], per_task, rtol=1e-4)


def test_should_stop_ends_at_the_end_of_a_chunk(data):
    seen = []
    result = train(
        HARD,
        data,
        TrainConfig(epochs=1000),
        on_progress=lambda done, history: seen.append((done, len(history))),
        should_stop=lambda: len(seen) >= 2,
        chunk_epochs=5,
    )
    assert result.status == "stopped"
    assert result.epochs_run == 10 == len(result.history)
    assert seen == [(5, 5), (10, 10)]
    assert result.weights is not None and "10 of 1000" in result.message


def test_huge_learning_rate_diverges_with_advice(data):
    result = train(HARD, data, TrainConfig(epochs=50, learning_rate=LEARNING_RATE.high))
    assert result.status == "diverged"
    assert "learning rate" in result.message
    losses = result.history.drop(columns=result.history.filter(like="gcos_").columns)
    assert np.isfinite(losses.to_numpy()).all()
    assert result.weights is None and result.val_predictions is None


def test_infinite_data_diverges(data):
    # With oneDNN the loss stays finite (its fused ReLU maps NaN to 0): NaN weights give it away.
    x = data.x_train.copy()
    x[3, 2, 1] = np.inf
    broken = Dataset(x, data.y_train, data.x_val, data.y_val, data.mean, data.std)
    result = train(HARD, broken, TrainConfig(epochs=10))
    assert result.status == "diverged" and result.epochs_run == 0


class FakeEntry:
    """Stands in for a CompiledModel whose losses turn NaN in epoch 8."""

    spec = ModelSpec(n_features=1)
    trace_count = 0

    def run_chunk(self, method="sum"):
        return self.chunk

    def chunk(self, *args):
        first, n = args[5], args[6]
        rows = np.array([[e, -e] for e in range(first + 1, first + n + 1)], np.float32)
        rows[rows[:, 0] >= 8] = np.nan
        return FakeTensor(rows)


class FakeTensor:
    def __init__(self, rows):
        self.rows = rows

    def numpy(self):
        return self.rows


def test_divergence_keeps_the_finite_epochs():
    settings = [0, 32, 256, 1, 19]  # seed, batch_size, eval_batch, every, last_epoch
    rows, status = run_chunks(FakeEntry(), [None] * 4, settings, 20, 3, None, None)
    assert status == "diverged"
    assert rows[:, 0].tolist() == list(range(1, 8))  # epochs 1..7; epoch 8 was NaN


def test_retraining_does_not_retrace(data):
    train(HARD, data, TrainConfig(epochs=2))  # compiled by now, whatever ran before
    entry = compiled_model(HARD)
    traces = entry.trace_count
    smaller = make_dataset(DataSpec(samples=37, val_samples=11, seed=5), 4, 10, 10)
    for config, dataset, eval_batch in [
        (TrainConfig(epochs=3), data, None),
        (TrainConfig(epochs=3, learning_rate=0.01), data, None),
        (TrainConfig(epochs=3, batch_size=7), data, None),
        (TrainConfig(epochs=3, seed=42), data, None),
        (TrainConfig(epochs=3), smaller, None),
        (TrainConfig(epochs=3), data, 9),  # validation and the probe in several passes
    ]:
        result = train(HARD, dataset, config, eval_batch=eval_batch)
        assert result.status == "finished" and not result.traced
    predict(HARD, result.weights, smaller.x_val, eval_batch=4)
    assert entry.trace_count == traces
    assert compiled_model(HARD) is entry


def test_initial_weights_are_those_of_a_seeded_build():
    import keras

    keras.utils.set_random_seed(11)
    expected = build_model(HARD).get_weights()
    actual = compiled_model(HARD).initial_weights(11)
    assert all(np.array_equal(a, b) for a, b in zip(expected, actual, strict=True))


def test_predict_rebuilds_the_forecasts(data):
    result = train(HARD, data, TrainConfig(epochs=3))
    forecasts = predict(HARD, result.weights, data.x_val)
    assert np.array_equal(forecasts, result.val_predictions)
    model = build_model(HARD)  # the weights also load into a plain Keras model
    model.set_weights(result.weights)
    outputs = model.predict(data.x_val, verbose=0)
    np.testing.assert_allclose(np.stack(outputs, axis=1), forecasts, atol=1e-5)


@pytest.mark.parametrize(
    "changes",
    [{"epochs": 0}, {"epochs": 5001}, {"learning_rate": 0.0}, {"batch_size": 0}, {"seed": -1}],
)
def test_invalid_configs_say_what_to_change(changes):
    with pytest.raises(SpecError, match=next(iter(changes))):
        TrainConfig(**changes).validate()


def test_data_that_does_not_fit_the_model_is_refused(data):
    with pytest.raises(SpecError, match="x_train"):
        train(HARD.replace(timesteps=12), data, TrainConfig(epochs=1))


def test_concurrent_runs_of_one_spec_wait_for_each_other(data):
    configs = [TrainConfig(epochs=15, seed=s) for s in (1, 2)]
    expected = [train(HARD, data, c).history.to_numpy() for c in configs]
    results = [None, None]

    def run(i):
        results[i] = train(HARD, data, configs[i], chunk_epochs=2).history.to_numpy()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(np.array_equal(a, b) for a, b in zip(expected, results, strict=True))


def test_importing_the_settings_does_not_load_tensorflow():
    # The sidebar imports TrainConfig and limits; TensorFlow loads only when training starts.
    code = (
        "import sys, models.data.toy_data, models.training; "
        "assert 'tensorflow' not in sys.modules and 'streamlit' not in sys.modules"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)


def test_fused_adam_takes_the_steps_keras_adam_takes():
    import keras
    import tensorflow as tf

    from models.training.adam import FusedAdam

    rng = np.random.default_rng(0)
    start = rng.normal(size=(3, 4)).astype(np.float32)
    gradients = [rng.normal(size=(3, 4)).astype(np.float32) for _ in range(5)]
    theirs, ours = keras.Variable(start), keras.Variable(start)
    reference = keras.optimizers.Adam(learning_rate=0.01)
    fused = FusedAdam([ours])
    fused.reset(0.01)
    for gradient in gradients:
        reference.apply([tf.constant(gradient)], [theirs])
        fused.apply([tf.constant(gradient)])
        np.testing.assert_allclose(
            ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-6
        )  # float rounding of 0.01 steps
    assert not np.allclose(ours.numpy(), start)  # the steps did move the weights
    fused.reset(0.01)  # a new run starts from zero moments and step count, as Keras' would
    ours.assign(start)
    fused.apply([tf.constant(gradients[0])])
    first = keras.Variable(start)
    keras.optimizers.Adam(learning_rate=0.01).apply([tf.constant(gradients[0])], [first])
    np.testing.assert_allclose(
        ours.numpy(), first.numpy(), rtol=1e-5, atol=1e-6
    )  # float rounding of 0.01 steps
