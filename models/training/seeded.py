"""A model built as if after `keras.utils.set_random_seed(seed)`: the same seed, the same
initial weights, in any process and whatever ran before."""

from __future__ import annotations

import random
import threading

from models.architectures.variants import build_model
from models.spec import ModelSpec

_SEED_LOCK = threading.Lock()  # Python's `random` is global: seed and build as one step


def seeded_build(spec: ModelSpec, seed: int):
    """`build_model(spec)` as if after `keras.utils.set_random_seed(seed)`, without side effects."""
    # Keras' unseeded initializers draw their seeds from Python's `random`, so seeding only
    # that is enough. keras.utils.set_random_seed would also call tf.random.set_seed, which
    # clears TF's kernel cache: the next call of a compiled function then re-instantiates its
    # graph (~0.3 s). Python's random state is restored so callers see no side effect.
    with _SEED_LOCK:
        state = random.getstate()
        try:
            random.seed(seed)
            return build_model(spec)
        finally:
            random.setstate(state)
