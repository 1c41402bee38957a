"""Uncertainty weighting (Kendall, Gal & Cipolla, CVPR 2018): each task's loss is weighed by a
learned precision, so a task whose loss stays high (noisier, or harder) pulls the shared weights
less, and no one has to tune the weights by hand.

Per task t a learned s_t = log σ_t² (starting at 0, where every weight is 1): the step minimises
Σ_t ½ exp(−s_t) L_t + ½ s_t, whose minimum in s_t is at exp(−s_t) = 1 / L_t. The tasks' losses
the run reports stay unweighted, so runs of every method compare on the same scale.
"""

from __future__ import annotations

import numpy as np

from models.training.adam import FusedAdam


class UncertaintyWeights:
    """One compiled spec's learned log-variances and their own Adam (same learning rate)."""

    def __init__(self, n_tasks: int):
        import tensorflow as tf

        self.log_variances = tf.Variable(tf.zeros([n_tasks]))
        self.optimizer = FusedAdam([self.log_variances])

    def reset(self, learning_rate: float) -> None:
        """Every weight back to 1 and the optimizer's moments to zero, for a new run."""
        self.log_variances.assign(np.zeros(self.log_variances.shape, np.float32))
        self.optimizer.reset(learning_rate)

    def step(self, task_losses, variables, optimizer, weights, x, y):
        """One training step on batch (x, y), each task's loss first times its hand-set
        `weights` entry; returns each task's (unweighted) loss, as `task_losses(x, y)` does."""
        import tensorflow as tf

        s = self.log_variances
        with tf.GradientTape() as tape:
            losses = task_losses(x, y)
            total = tf.reduce_sum(0.5 * tf.exp(-s) * (weights * losses) + 0.5 * s)
        *gradients, on_s = tape.gradient(total, [*variables, s])
        optimizer.apply(gradients)
        self.optimizer.apply([on_s])
        return losses

    def learned(self) -> tuple[float, ...]:
        """Each task's weight exp(−s_t) now (1 at the start of a run)."""
        return tuple(float(w) for w in np.exp(-self.log_variances.numpy()))
