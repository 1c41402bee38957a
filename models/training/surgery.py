"""Gradient surgery: PCGrad (Yu et al., 2020), a training step that changes how the tasks'
gradients are combined instead of the architecture.

Each task's gradient on the weights the tasks share is projected, in a fixed order, off every
other task's gradient it conflicts with (a negative dot product): gᵢ ← gᵢ − (gᵢ·gⱼ / |gⱼ|²) gⱼ,
with gⱼ the other task's own gradient. The projected gradients are summed. A weight only one
task reaches keeps that task's gradient: there is nothing to project. The paper draws the order
of j at random each step; a fixed order keeps a run deterministic (same seed, same curves).
"""

from __future__ import annotations

EPSILON = 1e-12  # |gⱼ|² of a task with no gradient on the shared weights


def pcgrad(task_gradients, variables, shared: set[int]) -> list:
    """The step's gradient per variable from each task's (a list per task, None where the task
    does not reach a variable): PCGrad on the variables whose id() is in `shared`, the plain
    sum on the others.

    Every projected gradient is a weighted sum of the tasks' own gradients, so the projections
    are worked out on their Gram matrix G[i, j] = gᵢ·gⱼ (one T × T matrix for all shared
    variables) and the result is one weighted sum per variable: no variable is flattened.
    """
    import tensorflow as tf

    n_tasks = len(task_gradients)
    filled = [
        [tf.zeros_like(v) if g is None else g for g, v in zip(grads, variables, strict=True)]
        for grads in task_gradients
    ]
    stacked = [tf.stack([grads[k] for grads in filled]) for k in range(len(variables))]
    on_shared = [k for k, v in enumerate(variables) if id(v) in shared]
    weights = tf.ones([n_tasks])
    if on_shared:
        gram = tf.add_n(
            [
                tf.tensordot(
                    stacked[k], stacked[k], axes=[list(range(1, stacked[k].shape.rank))] * 2
                )
                for k in on_shared
            ]
        )
        weights = projected_weights(gram, n_tasks)
    result = []
    for k in range(len(variables)):
        if all(grads[k] is None for grads in task_gradients):
            result.append(None)  # no task reaches it: the optimizer skips it, as in a sum
        elif k in on_shared:
            result.append(tf.tensordot(weights, stacked[k], axes=1))
        else:
            result.append(tf.reduce_sum(stacked[k], axis=0))
    return result


def projected_weights(gram, n_tasks: int):
    """w with Σᵢ gᵢ' = Σₘ wₘ gₘ: the sum of `projection(gram, n_tasks)`'s rows."""
    import tensorflow as tf

    return tf.add_n(tf.unstack(projection(gram, n_tasks)))


def projection(gram, n_tasks: int):
    """A (T, T) with gᵢ' = Σₘ A[i, m] gₘ, each task's projected gradient as a weighted sum of
    the tasks' own: row i starts at gᵢ; off each j in turn, gᵢ'·gⱼ = A[i]·G[:, j], and a
    projection lowers A[i, j] by that over G[j, j]. The projected gradients' Gram matrix is
    then A G Aᵀ (what `models.training.conflict` reports as the conflict left after it)."""
    import tensorflow as tf

    rows = []
    for i in range(n_tasks):
        a = tf.one_hot(i, n_tasks)
        for j in range(n_tasks):
            if j == i:
                continue
            dot = tf.reduce_sum(a * gram[:, j])
            step = tf.where(dot < 0, dot / (gram[j, j] + EPSILON), 0.0)
            a = a - step * tf.one_hot(j, n_tasks)
        rows.append(a)
    return tf.stack(rows)


def pcgrad_step(task_losses, variables, optimizer, shared: set[int], weights, x, y):
    """One PCGrad training step on batch (x, y), each task's loss times its `weights` entry;
    returns each task's (unweighted) loss (n_tasks,), as `task_losses(x, y)` computes them."""
    import tensorflow as tf

    with tf.GradientTape(persistent=True) as tape:
        losses = task_losses(x, y)
        per_task = [losses[t] * weights[t] for t in range(y.shape[1])]
    gradients = [tape.gradient(loss, variables) for loss in per_task]
    del tape
    optimizer.apply(pcgrad(gradients, variables, shared))
    return losses
