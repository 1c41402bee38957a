"""The toy data: shapes, determinism, standardisation, relatedness, no leakage, learnability."""

import numpy as np
import pytest

from models.data.toy_data import DataSpec, make_dataset, task_targets
from models.spec import SpecError


def train_stretch(data) -> np.ndarray:
    """The standardised train series rebuilt from its windows (inputs tile it, then targets)."""
    return np.concatenate([data.x_train.reshape(-1, data.n_features), data.y_train[-1].T])


def mean_correlation(series: np.ndarray) -> float:
    corr = np.corrcoef(series.T)
    return float(corr[~np.eye(len(corr), dtype=bool)].mean())


@pytest.mark.parametrize("features, timesteps, horizon", [(4, 10, 10), (1, 5, 3), (6, 12, 20)])
def test_shapes_and_dtype(features, timesteps, horizon):
    data = make_dataset(DataSpec(samples=30, val_samples=7), features, timesteps, horizon)
    assert data.x_train.shape == (30, timesteps, features)
    assert data.y_train.shape == (30, features, horizon)
    assert data.x_val.shape == (7, timesteps, features)
    assert data.y_val.shape == (7, features, horizon)
    assert (data.n_features, data.timesteps, data.horizon) == (features, timesteps, horizon)
    for array in (data.x_train, data.y_train, data.x_val, data.y_val, data.mean, data.std):
        assert array.dtype == np.float32
        assert np.isfinite(array).all()
    targets = task_targets(data.y_train)
    assert len(targets) == features
    assert all(np.array_equal(t, data.y_train[:, f]) for f, t in enumerate(targets))


def test_input_only_series_are_in_the_inputs_and_not_the_targets():
    every = make_dataset(DataSpec(samples=12, val_samples=5), 5, 8, 3)
    two = make_dataset(DataSpec(samples=12, val_samples=5), 5, 8, 3, n_tasks=2)
    assert two.x_train.shape == (12, 8, 5) and two.y_train.shape == (12, 2, 3)
    assert (two.n_features, two.n_tasks) == (5, 2)
    assert np.array_equal(two.x_train, every.x_train)  # the inputs do not change
    assert np.array_equal(two.y_val, every.y_val[:, :2])  # the first series are the tasks


def test_same_spec_same_arrays_and_seed_matters():
    a, b = (make_dataset(DataSpec(seed=3), 4, 10, 10) for _ in range(2))
    for name in ("x_train", "y_train", "x_val", "y_val", "mean", "std"):
        assert np.array_equal(getattr(a, name), getattr(b, name))
    assert not np.array_equal(a.x_train, make_dataset(DataSpec(seed=4), 4, 10, 10).x_train)
    # A DataSpec is a cache key (page caches, the training service's answers): equal specs are
    # one key, another seed another.
    assert len({DataSpec(seed=3), DataSpec(seed=3), DataSpec(seed=4)}) == 2


def test_targets_are_the_steps_right_after_the_window():
    data = make_dataset(DataSpec(), 3, 10, 4)
    # Windows start `timesteps` apart, so a window's targets open the next window's inputs.
    assert np.array_equal(data.y_train[:-1], data.x_train[1:, :4].transpose(0, 2, 1))
    assert np.array_equal(data.y_val[:-1], data.x_val[1:, :4].transpose(0, 2, 1))


def test_standardised_per_feature_with_train_statistics():
    data = make_dataset(DataSpec(samples=80, noise=0.3), 5, 10, 10)
    series = train_stretch(data)
    np.testing.assert_allclose(series.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(series.std(axis=0), 1, atol=1e-5)
    # The validation set is scaled with the train statistics, so it is not exactly standard.
    assert not np.allclose(data.x_val.mean(axis=(0, 1)), 0, atol=1e-5)


def test_relatedness_controls_how_alike_the_series_are():
    def correlation(r):
        return mean_correlation(train_stretch(make_dataset(DataSpec(relatedness=r), 4, 10, 10)))

    unrelated, half, same = correlation(0.0), correlation(0.5), correlation(1.0)
    assert abs(unrelated) < 0.25
    assert unrelated < half < same
    assert same > 0.95


def test_validation_is_a_separate_later_stretch():
    spec = DataSpec(samples=50, val_samples=20)
    data = make_dataset(spec, 4, 10, 10)
    series = train_stretch(data)
    val_steps = np.concatenate([data.x_val.reshape(-1, 4), data.y_val[-1].T])
    shared = (series[:, None, :] == val_steps[None, :, :]).all(axis=2)
    assert not shared.any()  # no validation step is also a train step
    # Train arrays do not depend on the validation set: nothing flows back through statistics.
    other = make_dataset(DataSpec(samples=50, val_samples=5), 4, 10, 10)
    assert np.array_equal(other.x_train, data.x_train)
    assert np.array_equal(other.mean, data.mean)


@pytest.mark.parametrize("relatedness", [0.0, 0.5, 1.0])
def test_learnable_a_linear_forecast_beats_the_mean(relatedness):
    data = make_dataset(DataSpec(relatedness=relatedness), 4, 10, 10)

    def design(x):
        return np.c_[x.reshape(len(x), -1), np.ones(len(x))]

    x, y = design(data.x_train), data.y_train.reshape(len(data.y_train), -1)
    weights = np.linalg.solve(x.T @ x + np.eye(x.shape[1]), x.T @ y)  # ridge regression
    forecast = design(data.x_val) @ weights
    ridge = np.mean((forecast - data.y_val.reshape(len(data.y_val), -1)) ** 2)
    mean_only = np.mean((data.y_val - data.y_train.mean(axis=0)) ** 2)
    assert ridge < 0.6 * mean_only


def test_constant_series_do_not_divide_by_zero():
    data = make_dataset(DataSpec(relatedness=1.0, noise=0.0), 2, 5, 5)
    assert np.isfinite(data.x_train).all()


@pytest.mark.parametrize(
    "changes",
    [
        {"samples": 0},
        {"val_samples": 0},
        {"relatedness": 1.5},
        {"relatedness": -0.1},
        {"noise": -1.0},
        {"noise": float("inf")},
        {"seed": -1},
    ],
)
def test_invalid_specs_say_what_to_change(changes):
    with pytest.raises(SpecError, match=next(iter(changes))):
        DataSpec(**changes).validate()
