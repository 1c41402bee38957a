"""One task's gate in a multi-gate mixture of experts (MMoE; Ma et al., KDD 2018).

The class imports only `keras`: code exporters embed `inspect.getsource(ExpertGate)` as is.
"""

from __future__ import annotations

import keras


@keras.saving.register_keras_serializable(package="lse")
class ExpertGate(keras.layers.Layer):
    """Weigh k experts for one task: g = softmax(W x + b), out = sum_e g_e * expert_e.

    Call it on [x, expert_1, ..., expert_k]: x is the task's gate input (the flattened input
    window), the experts are same-shaped outputs. W and b are the gate's only weights
    (Dense(k, softmax) on x): k * (len(x) + 1) parameters.
    """

    # Graph analysis reads this flag: the gate is its own kind of node, the one place where a
    # task chooses how much of each shared expert it uses.
    gates_experts = True

    def __init__(self, n_experts: int, **kwargs):
        super().__init__(**kwargs)
        if n_experts < 1:
            raise ValueError(f"n_experts must be at least 1; got {n_experts}.")
        self.n_experts = int(n_experts)

    def build(self, input_shape):
        gate_input, *experts = [tuple(s) for s in input_shape]
        if len(experts) != self.n_experts or any(s != experts[0] for s in experts):
            raise ValueError(
                f"ExpertGate needs {self.n_experts} same-shaped experts; got {experts}."
            )
        k = self.n_experts
        self.kernel = self.add_weight(name="kernel", shape=(gate_input[-1], k))
        self.bias = self.add_weight(name="bias", shape=(k,), initializer="zeros")

    def gate(self, x):
        """The task's weight on each expert: (batch, k), every row summing to 1."""
        logits = keras.ops.matmul(x, self.kernel) + self.bias
        if self.n_experts == 1:  # a softmax over one expert is always 1 (and Keras warns)
            return keras.ops.ones_like(logits)
        return keras.ops.softmax(logits, axis=-1)

    def call(self, inputs):
        x, *experts = inputs
        stacked = keras.ops.stack(experts, axis=1)  # (batch, k, units)
        return keras.ops.sum(stacked * keras.ops.expand_dims(self.gate(x), -1), axis=1)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[1])

    def get_config(self):
        return {**super().get_config(), "n_experts": self.n_experts}
