"""A loop over a set of windows in parts of `eval_batch`, inside a compiled function: memory
follows the part, not the set (validation, forecasts and the conflict probe use it)."""

from __future__ import annotations


def in_parts(n, eval_batch, add, state):
    """`state = add(start, stop, state)` for each part start:stop of windows 0..n - 1, of
    `eval_batch` windows (the last may be shorter); returns the last state. One part at a time:
    TensorFlow would otherwise run up to 10 iterations at once, each holding its part's
    activations (parallel_iterations=1 is also the cheapest loop measured: ~30 us, not ~55)."""
    import tensorflow as tf

    def body(start, state):
        stop = start + eval_batch  # a slice past the end stops at the end
        return stop, add(start, stop, state)

    start = (tf.constant(0), state)
    return tf.while_loop(lambda i, _: i < n, body, start, parallel_iterations=1)[1]
