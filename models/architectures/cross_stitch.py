"""The cross-stitch unit (Misra et al., 2016), a Keras layer that mixes T tasks' activations.

The class imports only `keras`: code exporters embed `inspect.getsource(CrossStitch)` as is.
"""

from __future__ import annotations

import keras


@keras.saving.register_keras_serializable(package="lse")
class CrossStitch(keras.layers.Layer):
    """Mix T same-shaped task activations with a learned T x T matrix: out_i = sum_j alpha_ij x_j.

    Call it on a list of T tensors; it returns a list of T tensors of the same shapes. `alpha`
    starts as in the paper: `self_weight` on the diagonal and (1 - self_weight) / (T - 1) off it,
    so every row sums to 1 and each task starts mostly on its own activations (a lone task
    starts with alpha = [[1]]).
    """

    # Output i continues input i's lane (task), and only this layer mixes the lanes. Graph
    # analysis reads this flag to keep each task's own layers attributed to that task.
    lane_mixer = True

    def __init__(self, self_weight: float = 0.9, **kwargs):
        super().__init__(**kwargs)
        if not 0.0 <= self_weight <= 1.0:
            raise ValueError(f"self_weight must be between 0 and 1; got {self_weight}.")
        self.self_weight = float(self_weight)

    def _initial_alpha(self, shape, dtype=None):
        n = shape[0]
        diagonal = self.self_weight if n > 1 else 1.0
        off = (1.0 - self.self_weight) / (n - 1) if n > 1 else 0.0
        eye = keras.ops.eye(n, dtype=dtype)
        return eye * diagonal + (1.0 - eye) * off

    def build(self, input_shape):
        shapes = [tuple(s) for s in input_shape]
        if not shapes or any(s != shapes[0] for s in shapes):
            raise ValueError(f"CrossStitch needs a list of same-shaped tensors; got {shapes}.")
        n = len(shapes)
        self.alpha = self.add_weight(name="alpha", shape=(n, n), initializer=self._initial_alpha)

    def call(self, inputs):
        stacked = keras.ops.stack(inputs, axis=0)  # (T, batch, ...)
        # Row i of the product is sum_j alpha[i, j] * x_j.
        mixed = keras.ops.tensordot(self.alpha, stacked, axes=[[1], [0]])
        return [mixed[i] for i in range(len(inputs))]

    def compute_output_shape(self, input_shape):
        return [tuple(s) for s in input_shape]

    def get_config(self):
        return {**super().get_config(), "self_weight": self.self_weight}
