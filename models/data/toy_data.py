"""Seeded toy multi-task data: one series per feature, each partly a shared signal.

Every series mixes a common latent signal with one of its own:
``series_f = sqrt(r) * common + sqrt(1 - r) * own_f + noise * gaussian``, so with
``r = relatedness`` = 1 the tasks (forecast each feature) are nearly the same task and
sharing should help; with r = 0 they are unrelated and sharing can hurt. With several
*families*, each contiguous block of series has a common signal of its own: tasks within a
family are related, tasks of different families are not (which tasks should share?).
Pure numpy: no Keras, no streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models import settings as table
from models.settings import DATA_SETTINGS, first_problem, problem
from models.spec import ModelSpec, SpecError

# Two sinusoids per latent: a series (common + own) then obeys a linear recurrence of order 8,
# short enough to be predictable from a 10-step window, apart from the walk and the noise.
N_SINES = 2
SINE_SHARE = 0.97  # nearly all of a latent's variance is periodic (predictable); the rest wanders
PERIOD_RANGE = (4.0, 20.0)  # in steps: a 10-step window sees at least half a cycle
WALK_MEMORY = 0.9  # AR(1) coefficient: a smooth, mean-reverting random walk that cannot drift
WALK_KERNEL = 256  # 0.9**256 ~ 2e-12: a longer memory would change nothing in float32


@dataclass(frozen=True)
class DataSpec:
    """Everything that defines a toy data set (besides the model's shape). Hashable."""

    # Defaults and bounds: models.settings.
    samples: int = table.SAMPLES.default
    val_samples: int = 200
    relatedness: float = table.RELATEDNESS.default
    families: int = table.FAMILIES.default
    noise: float = table.NOISE.default
    seed: int = table.SEED.default

    def validate(self) -> DataSpec:
        """Raise `SpecError` naming what to change if this data cannot be generated."""
        # Validation windows are not a setting of their own: bounded as training windows are.
        found = first_problem(self, DATA_SETTINGS)
        found = found or problem(table.SAMPLES, self.val_samples, name="val_samples")
        if found:
            raise SpecError(found)
        return self

    def materialise(self, spec: ModelSpec) -> Dataset:
        """The windows this data spec describes for `spec`'s shape (see `make_dataset`)."""
        return make_dataset(self, spec.n_features, spec.timesteps, spec.horizon, spec.n_tasks)

    def describe(self) -> str:
        """One line for the page: which toy data a run used."""
        families = f", {self.families} families" if self.families > 1 else ""
        return (
            f"toy data, {self.samples} windows, relatedness {self.relatedness:g}{families}, "
            f"noise {self.noise:g}"
        )


@dataclass(frozen=True, eq=False)
class Dataset:
    """Windows cut from standardised series; float32 numpy arrays.

    x_*: (N, timesteps, n_features), the input windows.
    y_*: (N, n_tasks, horizon); y[:, t, :] is the next `horizon` steps of series t. The first
        n_tasks series are forecast; any further ones are inputs only.
    mean, std: (n_features,), the train statistics used to standardise both sets.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    mean: np.ndarray
    std: np.ndarray

    @property
    def n_features(self) -> int:
        return self.x_train.shape[2]

    @property
    def n_tasks(self) -> int:
        return self.y_train.shape[1]

    @property
    def timesteps(self) -> int:
        return self.x_train.shape[1]

    @property
    def horizon(self) -> int:
        return self.y_train.shape[2]


def task_targets(y: np.ndarray) -> list[np.ndarray]:
    """Split targets (N, n_tasks, horizon) into one (N, horizon) array per task."""
    return [y[:, f, :] for f in range(y.shape[1])]


def make_dataset(
    data_spec: DataSpec, n_features: int, timesteps: int, horizon: int, n_tasks: int | None = None
) -> Dataset:
    """Generate train and validation windows; the same spec always gives identical arrays.

    Every one of the `n_features` series is an input; the first `n_tasks` (all by default) are
    also forecast.

    Both sets are cut from one long series: the validation stretch comes later and is separated
    by a gap of a full window, so no validation input or target appears in training. Windows
    start `timesteps` apart: inputs tile the series without overlapping (a window's targets are
    the next window's first inputs), so N samples really are N different stretches.
    """
    data_spec.validate()
    window = timesteps + horizon
    train_len = (data_spec.samples - 1) * timesteps + window
    val_len = (data_spec.val_samples - 1) * timesteps + window
    train_raw = _mixed_series(data_spec, n_features, 0, train_len, stream=1)
    val_raw = _mixed_series(data_spec, n_features, train_len + window, val_len, stream=2)
    mean = train_raw.mean(axis=0)
    std = np.maximum(train_raw.std(axis=0), 1e-8)  # guards a constant series (noise 0, r = 1)
    x_train, y_train = _windows((train_raw - mean) / std, timesteps, horizon, n_tasks)
    x_val, y_val = _windows((val_raw - mean) / std, timesteps, horizon, n_tasks)
    return Dataset(*(a.astype(np.float32) for a in (x_train, y_train, x_val, y_val, mean, std)))


def _mixed_series(
    data_spec: DataSpec, n_features: int, start: int, length: int, stream: int
) -> np.ndarray:
    """Steps start .. start + length - 1 (as rows) of sqrt(r)*common + sqrt(1-r)*own + noise."""
    # The sinusoids are fixed by the seed alone and continue in time across stretches; each
    # stretch draws its walks and noise from its own stream, so the train set does not change
    # with val_samples. Every component is drawn whatever r and noise are, so moving those
    # sliders changes only the mix.
    sine_rng = np.random.default_rng([data_spec.seed, 0])
    sines = [_sines(sine_rng, start, length) for _ in range(n_features + 1)]  # common first
    rng = np.random.default_rng([data_spec.seed, stream])
    latents = [
        np.sqrt(SINE_SHARE) * s + np.sqrt(1.0 - SINE_SHARE) * _smooth_walk(rng, length)
        for s in sines
    ]
    common, own = latents[0], np.stack(latents[1:], axis=1)
    gaussian = rng.standard_normal((length, n_features))
    commons = common[:, None] * np.ones((1, n_features))
    if data_spec.families > 1:  # each family its own common signal, in contiguous blocks
        commons = _family_commons(data_spec, n_features, start, length, stream, common)
    r = data_spec.relatedness
    return np.sqrt(r) * commons + np.sqrt(1.0 - r) * own + data_spec.noise * gaussian


def family_of(feature: int, n_features: int, families: int) -> int:
    """The family (0-based) of a series: contiguous blocks, the first half and the rest for 2."""
    return feature * min(families, n_features) // n_features


def _family_commons(
    data_spec: DataSpec, n_features: int, start: int, length: int, stream: int, first
) -> np.ndarray:
    """(length, n_features): each series' family's common signal. The first family keeps the
    one common signal; the others' are drawn from streams of their own, so one family's data
    is the same data the app made before families existed."""
    families = min(data_spec.families, n_features)
    sine_rng = np.random.default_rng([data_spec.seed, 0, 1])
    rng = np.random.default_rng([data_spec.seed, stream, 1])
    signals = [first] + [
        np.sqrt(SINE_SHARE) * _sines(sine_rng, start, length)
        + np.sqrt(1.0 - SINE_SHARE) * _smooth_walk(rng, length)
        for _ in range(families - 1)
    ]
    return np.stack([signals[family_of(f, n_features, families)] for f in range(n_features)], 1)


def _sines(rng: np.random.Generator, start: int, length: int) -> np.ndarray:
    """A unit-variance sum of N_SINES seeded sinusoids at steps start .. start + length - 1."""
    t = np.arange(start, start + length)
    periods = rng.uniform(*PERIOD_RANGE, size=N_SINES)
    phases = rng.uniform(0.0, 2.0 * np.pi, size=N_SINES)
    amplitudes = rng.uniform(0.5, 1.0, size=N_SINES)
    waves = amplitudes[:, None] * np.sin(2.0 * np.pi * t / periods[:, None] + phases[:, None])
    return waves.sum(axis=0) / np.sqrt((amplitudes**2 / 2.0).sum())  # sin of amplitude a: var a²/2


def _smooth_walk(rng: np.random.Generator, length: int) -> np.ndarray:
    """A unit-variance AR(1) series, already stationary at its first step."""
    # AR(1) is a convolution of white noise with its impulse response phi^k (negligible past
    # WALK_KERNEL steps); done by FFT because a Python loop or np.convolve is slow for long series.
    steps = rng.standard_normal(length + WALK_KERNEL - 1) * np.sqrt(1.0 - WALK_MEMORY**2)
    kernel = WALK_MEMORY ** np.arange(WALK_KERNEL)
    n = 1 << (steps.size + WALK_KERNEL - 2).bit_length()  # a power of two: FFT sizes with large
    # prime factors are orders of magnitude slower
    full = np.fft.irfft(np.fft.rfft(steps, n) * np.fft.rfft(kernel, n), n)
    return full[WALK_KERNEL - 1 : WALK_KERNEL - 1 + length]  # only fully warmed-up steps


def _windows(
    series: np.ndarray, timesteps: int, horizon: int, n_tasks: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """Windows `timesteps` apart: inputs (N, timesteps, F), targets (N, n_tasks, horizon)."""
    return cut_windows(series, timesteps, horizon, slice(None, None, timesteps), n_tasks)


def cut_windows(
    series: np.ndarray, timesteps: int, horizon: int, starts=slice(None), n_tasks=None
) -> tuple[np.ndarray, np.ndarray]:
    """The windows that begin at the rows `starts` picks (a slice or an index array) of the
    series (rows = steps): inputs (N, timesteps, F), targets (N, n_tasks, horizon) of the
    first `n_tasks` series (all by default; the others are inputs only)."""
    # sliding_window_view puts the window axis last: (N, F, timesteps + horizon).
    view = np.lib.stride_tricks.sliding_window_view(series, timesteps + horizon, axis=0)[starts]
    x = view[:, :, :timesteps].transpose(0, 2, 1)
    y = view[:, :n_tasks, timesteps:]
    return np.ascontiguousarray(x), np.ascontiguousarray(y)
