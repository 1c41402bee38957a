"""What every Lab demonstration shares: a seeded batch, seeded weights, checks and limits.

Each demonstration (one module each: `conv`, `gradients`, `folded`, `kinds`) builds small
models from the spec's sizes, runs them on a seeded random batch and returns plain data
(dataclasses, DataFrames, numbers) with a one-paragraph reading; `runner` runs them all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.spec import ModelSpec

TOLERANCE = 1e-5  # float32 results that agree to this are "equal"
BATCH = 8
SEED = 0


@dataclass(frozen=True)
class Check:
    """One numerical comparison: the largest absolute difference against a pass mark."""

    label: str
    max_abs_diff: float
    tolerance: float = TOLERANCE

    @property
    def passed(self) -> bool:
        return self.max_abs_diff <= self.tolerance


@dataclass(frozen=True)
class Unavailable:
    """A demonstration the current sizes cannot run, and why."""

    title: str
    reason: str


def lab_sizes(spec: ModelSpec) -> ModelSpec:
    """Only the sizes of `spec` matter to the lab: one cache key per size setting."""
    return spec.replace(variant="hard", shared_layers=0)


def random_batch(spec: ModelSpec, seed: int = SEED) -> np.ndarray:
    """A seeded (BATCH, timesteps, n_features) float32 batch."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(BATCH, spec.timesteps, spec.n_features)).astype("float32")


def seed_keras(seed: int = SEED) -> None:
    """Fix Keras' weight initialisation so every run shows the same numbers."""
    import keras

    keras.utils.set_random_seed(seed)


def max_abs_diff(a, b) -> float:
    """Largest absolute difference of two arrays of the same shape."""
    return float(np.max(np.abs(np.asarray(a, dtype="float64") - np.asarray(b, dtype="float64"))))


def describe(check: Check) -> str:
    """The difference for a sentence: "largest difference exactly 0" or "... 2.4e-08"."""
    value = "exactly 0" if check.max_abs_diff == 0 else f"{check.max_abs_diff:.1e}"
    return f"largest difference {value}"
