"""How much work and memory a training run is: the counts that `models.costs.estimate` prices.

Each function returns named amounts (optimizer steps, forward passes, layer calls, MB of call
outputs, ...), worked out from the call plan (`models.costs.plan`) and the engine's schedule;
`estimate` multiplies them by constants that `benchmarks/cost_calibration.py` fits to
measured runs, and the benchmark fits those constants to these very amounts.
"""

from __future__ import annotations

from models.costs.plan import (
    Call,
    call_plan,
    task_shared_params,
    task_shared_variables,
    total_params,
)
from models.spec import ModelSpec
from models.training.compiled import PROBE_SAMPLES
from models.training.engine import MAX_CONFLICT_POINTS

FLOAT_BYTES = 4
MB = 2**20
# Forward, then backward (gradients for the inputs and for the weights): ~3x the forward FLOPs.
TRAIN_PASSES = 3
BACKWARD_PASSES = 2
# Tensors a call makes per output value and keeps for the backward pass: a conv or dense
# layer's product, bias sum and activation; a cross-stitch unit's stack, product and slices;
# a Flatten only reshapes. A gate's are counted from its experts (see `kept_values`).
KEPT_PER_OUTPUT = {"input": 1, "conv": 3, "dense": 3, "flatten": 0, "concat": 1, "cross_stitch": 3}
CONV_KINDS = frozenset({"conv"})
DENSE_KINDS = frozenset({"dense", "gate", "cross_stitch"})  # the matrix products besides convs


def probe_count(epochs: int, track_conflict: bool, measured: bool) -> int:
    """Conflict measurements in a run, at most: the engine measures every `conflict_every`
    epochs and on the last, so never more than MAX_CONFLICT_POINTS + 1 nor more than the
    epochs. The bound, not the schedule's exact count (40 epochs measure 40 times, 41 only
    21): with it more epochs never look cheaper."""
    if not (track_conflict and measured):
        return 0
    return min(epochs, MAX_CONFLICT_POINTS + 1)


def kept_by_call(call: Call) -> int:
    """Floats one call makes on one window and a training step keeps for its backward."""
    if call.kind == "gate":  # the stacked experts, each weighed, then their sum
        return (2 * (len(call.inputs) - 1) + 1) * call.output_values
    return KEPT_PER_OUTPUT[call.kind] * call.output_values


def kept_values(plan: tuple[Call, ...]) -> int:
    """Floats one window's forward pass makes and a training step keeps for its backward."""
    return sum(kept_by_call(call) for call in plan)


def flops(plan: tuple[Call, ...], kinds: frozenset[str]) -> int:
    return 2 * sum(c.macs for c in plan if c.kind in kinds)


def forward_passes(
    spec: ModelSpec, train_windows: int, val_windows: int, epochs: int, track_conflict: bool
) -> int:
    """A run's arithmetic in one-window forward passes: training (forward and backward), the
    validation pass of every epoch, and the conflict probe on its schedule (a taped forward,
    one backward per task, then one lookahead forward per task on PROBE_SAMPLES windows)."""
    plan = call_plan(spec)
    probes = probe_count(epochs, track_conflict, task_shared_params(plan) > 0)
    probe_windows = min(PROBE_SAMPLES, train_windows)
    return epochs * (TRAIN_PASSES * train_windows + val_windows) + probes * probe_windows * (
        1 + (BACKWARD_PASSES + 1) * spec.n_tasks
    )


def time_terms(
    spec: ModelSpec,
    train_windows: int,
    val_windows: int,
    epochs: int,
    batch_size: int,
    track_conflict: bool,
) -> dict[str, float]:
    """How much of each `SECONDS_PER` unit a (warm) run does."""
    plan = call_plan(spec)
    calls, params = len(plan), total_params(plan)
    steps = epochs * -(-train_windows // batch_size)
    probes = probe_count(epochs, track_conflict, task_shared_params(plan) > 0)
    passes = forward_passes(spec, train_windows, val_windows, epochs, track_conflict)
    windows = train_windows + val_windows
    return {
        "run": 1.0,
        "run_params": float(params),
        "data_values": float(windows * (spec.timesteps + spec.horizon) * spec.n_features),
        "epochs": float(epochs),
        "epoch_calls": float(epochs * calls),
        "steps": float(steps),
        "step_calls": float(steps * calls),
        "step_params": float(steps * params),
        "values": float(passes * kept_values(plan)),
        "conv_flops": float(passes * flops(plan, CONV_KINDS)),
        "dense_flops": float(passes * flops(plan, DENSE_KINDS)),
        "probe_calls": float(probes * spec.n_tasks * calls),
    }


def compile_terms(spec: ModelSpec) -> dict[str, float]:
    """How much of each `COMPILE_SECONDS_PER` unit a spec's first run traces."""
    plan = call_plan(spec)
    probed = spec.n_tasks if task_shared_params(plan) > 0 else 0  # traced even if not tracked
    return {
        "spec": 1.0,
        "calls": float(len(plan)),
        "probe_calls": float(probed * len(plan)),
        "probe_variables": float(probed * task_shared_variables(plan)),
    }


def data_mb(spec: ModelSpec, train_windows: int, val_windows: int) -> float:
    """MB of the run's windows as float32: inputs and targets, training and validation."""
    window = spec.timesteps * spec.n_features + spec.n_tasks * spec.horizon
    return (train_windows + val_windows) * window * FLOAT_BYTES / MB


def memory_terms(
    spec: ModelSpec,
    train_windows: int,
    val_windows: int,
    batch_size: int,
    eval_batch: int,
    track_conflict: bool,
) -> dict[str, float]:
    """How much of each `MB_PER` unit a run holds at its peak. The probe runs `eval_batch`
    windows at a time, and its per-task backward passes hold their gradients side by side."""
    plan = call_plan(spec)
    kept = kept_values(plan) * FLOAT_BYTES / MB  # one window's, in a training step
    probed = spec.n_tasks if task_shared_params(plan) > 0 else 0
    probe = min(PROBE_SAMPLES, train_windows, eval_batch) * kept * spec.n_tasks
    return {
        "graph": 1.0,
        "graph_calls": float(len(plan)),
        "graph_probe_variables": float(probed * task_shared_variables(plan)),
        "weights": total_params(plan) * FLOAT_BYTES / MB,
        "activations": min(batch_size, train_windows) * kept,
        "probe": probe if probed and track_conflict else 0.0,
        "generation": data_mb(spec, train_windows, val_windows),
    }
