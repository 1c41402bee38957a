"""A test-only custom layer like the project's cross-stitch unit: a list in, a list out.

`models.codegen` pastes the source of custom layer classes into the code it writes; the tests
point it at this module, which (like project layer modules) imports only keras.
"""

from __future__ import annotations

import keras
from keras import ops

SELF_WEIGHT = 0.8  # module-level names a class uses must be pasted in with it


def mixing_matrix(n, self_weight):
    """`self_weight` on the diagonal, the rest split evenly across the other inputs."""
    other = (1.0 - self_weight) / max(n - 1, 1)
    return [[self_weight if i == j else other for j in range(n)] for i in range(n)]


@keras.saving.register_keras_serializable(package="lse_test")
class MixUnits(keras.layers.Layer):
    """Learned linear mixes of n same-shaped inputs; returns n outputs."""

    def __init__(self, self_weight=SELF_WEIGHT, **kwargs):
        super().__init__(**kwargs)
        self.self_weight = self_weight

    def build(self, input_shape):
        n = len(input_shape)
        self.alpha = self.add_weight(
            shape=(n, n),
            initializer=keras.initializers.Constant(mixing_matrix(n, self.self_weight)),
            name="alpha",
        )

    def call(self, inputs):
        stacked = ops.stack(inputs, axis=0)
        mixed = ops.tensordot(self.alpha, stacked, axes=1)
        return [mixed[i] for i in range(len(inputs))]

    def compute_output_shape(self, input_shape):
        return list(input_shape)

    def get_config(self):
        return {**super().get_config(), "self_weight": self.self_weight}


def mixed_model(n_inputs: int = 2):
    """A shared Dense on each input, a MixUnits over them (twice, non-default once), heads."""
    inputs = [keras.Input((6,), name=f"in{i + 1}") for i in range(n_inputs)]
    encoder = keras.layers.Dense(5, activation="tanh", name="encoder")
    encoded = [encoder(x) for x in inputs]  # one object on every input: tied weights
    mixed = MixUnits(name="mix1")(encoded)
    mixed = MixUnits(self_weight=0.6, name="mix2")(mixed)
    heads = [keras.layers.Dense(2, name=f"head{i + 1}")(x) for i, x in enumerate(mixed)]
    return keras.Model(inputs, heads, name="mixed")
