"""Where tasks pull apart, measured inside a compiled training chunk.

On a probe batch, for the weights that serve several tasks, one measurement gives:
- the cosine between every two tasks' loss gradients on all those weights together;
- per task-shared layer, the mean over task pairs of that cosine on the layer's own weights,
  and of the gradient magnitude similarity Phi_ij = 2 |g_i| |g_j| / (|g_i|^2 + |g_j|^2)
  (1: equally strong pulls; near 0: one task's pull dwarfs the other's);
- the lookahead task affinity of Fifty et al. (2021, "Efficiently Identifying Task
  Groupings"): Z[i, j] = 1 - L_j(theta_s - lr * g_i) / L_j(theta_s), on the same batch. Above 0,
  a step on task i's gradient alone lowers task j's loss: task i helps task j;
- the cosine between every two tasks' gradients after PCGrad's projection (Yu et al., 2020):
  what gradient surgery leaves of the conflict, worked out on the Gram matrix alone.

Everything comes from one Jacobian (a row per task, one backward pass each) and, for the
affinity, one forward pass per task with the shared weights moved and then restored exactly.
The probe batch is run in parts (memory follows the part, not the probe): a mean over windows
is the sum of the parts' shares, so its gradient is the sum of theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.analysis.sharing import analyse
from models.training.history import task_pairs
from models.training.surgery import projection


@dataclass(frozen=True)
class SharedLayers:
    """The layers whose weights serve several tasks, and their trainable variables."""

    names: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]  # each layer's slice of `variables`
    variables: tuple

    def __bool__(self) -> bool:
        return bool(self.names)


def task_shared_layers(model) -> SharedLayers:
    """Every layer that serves more than one task (output) and has weights, in graph order.

    Task-mixing units (cross-stitch) are left out: each row of their matrix belongs to one task,
    so two tasks' gradients never meet there (cosine 0 by construction, not a measurement).
    """
    names, spans, variables = [], [], []
    for info in analyse(model).layers:
        if not (info.shared and len(info.tasks) > 1 and not info.mixes_tasks):
            continue
        own = model.get_layer(info.name).trainable_variables
        if own:
            names.append(info.name)
            spans.append((len(variables), len(variables) + len(own)))
            variables += own
    return SharedLayers(tuple(names), tuple(spans), tuple(variables))


def row_width(n_tasks: int, n_layers: int) -> int:
    """Values per measurement: pair cosines, each layer's cosine and Phi, the affinity matrix,
    and the pair cosines after PCGrad's projection."""
    return 2 * len(task_pairs(n_tasks)) + 2 * n_layers + n_tasks * n_tasks


def on_schedule(measure_now, width: int, epoch, every, last_epoch):
    """`measure_now()` if `epoch` is on the schedule, else `width` NaNs: every `every` epochs
    (never when 0) and on the last epoch."""
    import tensorflow as tf

    due = (every > 0) & ((epoch % tf.maximum(every, 1) == 0) | (epoch == last_epoch))
    return tf.cond(due, measure_now, lambda: tf.fill([width], float("nan")))


def measure(part_losses, in_parts, shared: SharedLayers, n_tasks: int, learning_rate):
    """One measurement as a flat row (see `row_width` for its order).

    `in_parts(add, state)` runs `state = add(start, stop, state)` over the probe batch's parts
    (windows start:stop), one at a time; `part_losses(start, stop)` computes, with the current
    weights, a part's share of the probe's loss per task (n_tasks,): the shares sum to the
    probe's loss. Differentiable: the gradients are taken through it.
    """
    import tensorflow as tf

    losses, jacobians = _task_jacobians(part_losses, in_parts, shared.variables, n_tasks)
    # Gram matrices G[i, j] = g_i . g_j per variable, summed per layer: (layers, T, T). Batched
    # over layers, so a model with many shared layers traces a few ops, not a few per layer.
    per_variable = tf.stack(
        [
            tf.matmul(f, f, transpose_b=True)
            for f in (tf.reshape(j, [n_tasks, -1]) for j in jacobians)
        ]
    )
    layer_of = [index for index, (a, b) in enumerate(shared.spans) for _ in range(a, b)]
    grams = tf.math.segment_sum(per_variable, layer_of)
    cosines, phis = _pair_measures(grams, n_tasks)  # (layers, pairs) each
    total = tf.reduce_sum(grams, axis=0)
    overall = _pair_measures(total[None], n_tasks)[0][0]
    # What PCGrad's projection (models.training.surgery) leaves of it: gᵢ' = Σₘ A[i, m] gₘ,
    # so the projected gradients' Gram matrix is A G Aᵀ; measured whichever way the run steps.
    a = projection(total, n_tasks)
    after = _pair_measures(tf.matmul(tf.matmul(a, total), a, transpose_b=True)[None], n_tasks)
    affinity = _lookahead_affinity(
        part_losses, in_parts, shared.variables, jacobians, losses, learning_rate
    )
    rows = [overall, _nanmean(cosines), _nanmean(phis), affinity, after[0][0]]
    return tf.concat(rows, axis=0)


def _task_jacobians(part_losses, in_parts, variables, n_tasks: int):
    """Each task's probe loss (n_tasks,) and its gradient on each variable, (n_tasks, *shape),
    summed over the probe's parts (a graph loop: one copy of the backward pass in the graph).

    Summed task by task, stacked once at the end: the sums then take no more memory than one
    part's gradients and their stack did before the probe ran in parts.
    """
    import tensorflow as tf

    def add(start, stop, state):
        losses, sums = state  # sums[task][variable]
        with tf.GradientTape(persistent=True) as tape:
            part_loss = part_losses(start, stop)
            per_task = [part_loss[t] for t in range(n_tasks)]
        # One gradient per task, not tape.jacobian: its vectorising (pfor) rewrite of the backward
        # graph took 1.6 s of a towers spec's first trace, against 1.0 s for these, same speed.
        gradients = [tape.gradient(loss, list(variables)) for loss in per_task]
        sums = [
            [s if g is None else s + g for s, g in zip(task_sums, grads, strict=True)]
            for task_sums, grads in zip(sums, gradients, strict=True)
        ]  # a None gradient: no path from that task to the variable, which adds nothing
        return losses + part_loss, sums

    zeros = [[tf.zeros(v.shape) for v in variables] for _ in range(n_tasks)]
    losses, sums = in_parts(add, (tf.zeros([n_tasks]), zeros))
    return losses, [tf.stack(column) for column in zip(*sums, strict=True)]


def _pair_measures(grams, n_tasks: int):
    """For a stack of Gram matrices (L, T, T): each pair's cosine and Phi, (L, pairs) each, the
    pairs in `task_pairs` order (the upper triangle, row by row)."""
    import tensorflow as tf

    squared = tf.linalg.diag_part(grams)  # (L, T): |g_i|^2
    norms = tf.sqrt(squared)
    outer = norms[:, :, None] * norms[:, None, :]
    cosines = grams / outer  # a zero gradient gives NaN
    phis = 2.0 * outer / (squared[:, :, None] + squared[:, None, :])
    upper = np.triu(np.ones((n_tasks, n_tasks), bool), k=1)
    return tf.boolean_mask(cosines, upper, axis=1), tf.boolean_mask(phis, upper, axis=1)


def _nanmean(values):
    """Row means of the finite values (NaN if none): a dead pair does not hide the others."""
    import tensorflow as tf

    finite = tf.math.is_finite(values)
    count = tf.reduce_sum(tf.cast(finite, tf.float32), axis=-1)
    return tf.reduce_sum(tf.where(finite, values, 0.0), axis=-1) / count


def _lookahead_affinity(part_losses, in_parts, variables, jacobians, losses, learning_rate):
    """Z[i, j] = 1 - L_j(theta_s - lr g_i) / L_j(theta_s), flattened row by row."""
    import tensorflow as tf

    n_tasks = jacobians[0].shape[0]
    saved = [tf.identity(getattr(v, "value", v)) for v in variables]

    def add(start, stop, after):  # after[i, j]: L_j after the step on task i's gradient
        def look_ahead(i, after):
            for variable, begin, jacobian in zip(variables, saved, jacobians, strict=True):
                variable.assign(begin - learning_rate * tf.gather(jacobian, i))
            return i + 1, tf.tensor_scatter_nd_add(after, [[i]], [part_losses(start, stop)])

        # A graph loop, not a Python one: one copy of the forward pass in the graph, whatever T.
        # (Its assignments keep the lookaheads in order; parallel_iterations=1 cost model 2's
        # measurement 0.8 ms more.)
        lookaheads = (tf.constant(0), after)
        return tf.while_loop(lambda i, _: i < n_tasks, look_ahead, lookaheads)[1]

    # Parts outside, tasks inside: one loop per part, not a loop over the parts per task (that
    # made model 2's measurement ~1 ms slower).
    after = in_parts(add, tf.zeros([n_tasks, n_tasks]))
    for variable, begin in zip(variables, saved, strict=True):
        variable.assign(begin)  # exactly the weights before: training goes on from them
    return tf.reshape(1.0 - after / losses, [-1])
