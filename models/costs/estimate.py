"""What a training run will cost before it runs: its FLOPs, its memory and its seconds here.

Pure arithmetic on the call plan (`models.costs.plan`): the Streamlit server prices a run at
the click without loading TensorFlow. Seconds and memory are sums of terms, each a count this
module works out (steps, FLOPs, calls, ...) times a constant fitted by
`benchmarks/cost_calibration.py` on this kind of host (2 cores, TensorFlow as the training
workers run it: one thread per op, no oneDNN).
"""

from __future__ import annotations

from dataclasses import dataclass

from models.costs.plan import activation_values, call_plan, task_shared_params, total_params
from models.costs.terms import (
    CONV_KINDS,
    DENSE_KINDS,
    FLOAT_BYTES,
    MB,
    compile_terms,
    data_mb,
    flops,
    forward_passes,
    memory_terms,
    probe_count,
    time_terms,
)
from models.spec import ModelSpec

ADAM_SLOTS = 2  # first and second moments, one float each per weight
DATA_COPIES = 2  # a run's windows as numpy arrays and as TensorFlow constants
PASSES_AND_DATA = ("activations", "probe", "generation")  # memory terms besides the graphs
# Evaluation runs in batches whose forward activations fit in this (see `eval_batch_windows`).
EVAL_CAP_BYTES = 64 * MB

# Seconds per unit of each time term (`terms.time_terms` names them): CPU seconds of a training
# worker (one thread per op, no oneDNN, two ops at a time), which is the wall time when the run
# has one core to itself; alone on 2 idle cores it takes ~0.6x that. Fitted by
# benchmarks/cost_calibration.py on 2026-12-06 (27 runs: worst predicted/measured x1.74).
# A 0 is a term the others already account for.
SECONDS_PER = {
    "run": 0.262,  # one run: constants, weight reset, final predictions, gate weights
    "run_params": 6.84e-09,  # per weight: reset, copy out
    "data_values": 0.0,  # per generated input value: the toy data's series and windows
    "epochs": 0.0,  # per epoch: shuffle, finiteness checks
    "epoch_calls": 0.0,  # per epoch and layer call: the validation pass's ops
    "steps": 0.0,  # per optimizer step: gather, loss, Adam's call
    "step_calls": 8.41e-06,  # per step and layer call: forward and backward kernels' launch
    "step_params": 2.06e-09,  # per step and weight: Adam's update, reading the weights
    "values": 5.97e-10,  # per value a pass makes (`terms.kept_values`): bias, activation, copies
    "conv_flops": 5.35e-12,  # per FLOP of conv work (training, validation, probe)
    "dense_flops": 5.85e-12,  # per FLOP of dense, gate and cross-stitch work
    "probe_calls": 2.35e-05,  # per conflict measurement, task and layer call
}
# CPU seconds of a spec's first run in a process (build and trace) per unit of
# `terms.compile_terms`; same benchmark and date (24 specs: worst x1.53).
COMPILE_SECONDS_PER = {
    "spec": 0.652,  # building the model and the optimizer, tracing the chunk
    "calls": 0.0304,  # per layer call traced (forward, backward, validation, prediction)
    "probe_calls": 0.00949,  # per layer call and task: the probe's per-task backward passes
    "probe_variables": 0.0227,  # per task-shared variable and task: the probe's Jacobian
}
# MB per unit of each memory term (`terms.memory_terms` names them): a worker's private memory
# growth over its warm-up baseline at its peak in a run, generating the data included. Fitted
# by benchmarks/cost_calibration.py on 2026-12-06 (15 specs), then raised by a fifth: in two
# later runs the estimates came to 0.77-1.45 of the measured peaks (under by at most 23 %).
MB_PER = {
    "graph": 42.1,  # a compiled spec: its model, its traced functions and kernels
    "graph_calls": 0.739,  # per layer call traced
    "graph_probe_variables": 1.15,  # per task-shared variable and task: the probe's graph
    "weights": 13.7,  # copies of the weights beyond the four exact ones (see RunCost)
    "activations": 1.02,  # per MB a training batch's calls make (`terms.kept_values`)
    "probe": 0.428,  # per MB the probe's windows' calls make, per task
    "generation": 6.8,  # per MB of float32 windows: the float64 series they are cut from
}


@dataclass(frozen=True)
class RunCost:
    """One run's estimated cost. Bytes are peak bytes held by the worker for this run."""

    forward_flops: int  # one window's forward pass
    train_flops_per_epoch: float  # training, validation and (averaged) conflict probe
    conv_flop_share: float  # of forward_flops, from conv layers
    param_bytes: int
    optimizer_bytes: int
    gradient_bytes: int
    activation_bytes: int  # one training batch's outputs kept for the backward pass
    eval_activation_bytes: int  # one evaluation batch's forward pass
    probe_bytes: int  # the conflict probe: its windows' activations and the Jacobian
    data_bytes: int  # the windows (float32) as numpy arrays and as TensorFlow constants
    generation_bytes: int  # the float64 series the toy data's windows are cut from
    graph_bytes: int  # the compiled spec's graphs, and the copies of its weights that building,
    # resetting and returning a model make
    compile_seconds: float  # the spec's first run in a worker; 0 once it is compiled there
    train_seconds: float
    time_parts: tuple[tuple[str, float], ...]  # training seconds by `SECONDS_PER` term
    epochs: int
    train_windows: int
    batch_size: int
    eval_batch: int

    @property
    def seconds(self) -> float:
        """Seconds expected for a cold run (the spec new to its worker): the worker's CPU
        seconds, its wall time when it has a core to itself (see SECONDS_PER)."""
        return self.compile_seconds + self.train_seconds

    @property
    def peak_bytes(self) -> int:
        """Weights, optimizer, data and graphs, a training (or evaluation) batch's activations
        and the probe's, as the constants were fitted: a sum, so an upper bound."""
        batch = max(self.activation_bytes, self.eval_activation_bytes)
        fixed = self.param_bytes + self.optimizer_bytes + self.gradient_bytes
        data = self.data_bytes + self.generation_bytes
        return fixed + data + self.graph_bytes + batch + self.probe_bytes

    @property
    def mb(self) -> float:
        return self.peak_bytes / MB


def eval_batch_windows(spec: ModelSpec, batch_size: int, windows: int | None = None) -> int:
    """Windows per evaluation batch: the most, and at least `batch_size`, whose forward
    activations fit EVAL_CAP_BYTES; no more than `windows` (the validation set) when given."""
    per_window = activation_values(call_plan(spec)) * FLOAT_BYTES
    size = max(batch_size, EVAL_CAP_BYTES // per_window)
    return min(size, windows) if windows is not None else size


def _priced(terms: dict[str, float], rates: dict[str, float]) -> dict[str, float]:
    return {name: amount * rates[name] for name, amount in terms.items()}


def estimate_run(
    spec: ModelSpec,
    train_windows: int,
    val_windows: int,
    epochs: int,
    batch_size: int,
    track_conflict: bool,
    method: str = "sum",
) -> RunCost:
    """The cost of training `spec` as `models.training.engine.train` does, its steps combining
    the tasks' gradients by `method`. SpecError if the spec cannot be built."""
    plan = call_plan(spec)
    params, values = total_params(plan), activation_values(plan)
    eval_batch = eval_batch_windows(spec, batch_size, val_windows)
    shared = task_shared_params(plan)
    tracked = probe_count(epochs, track_conflict, shared > 0) > 0
    held = {
        name: int(amount * MB_PER[name] * MB)
        for name, amount in memory_terms(
            spec, train_windows, val_windows, batch_size, eval_batch, track_conflict
        ).items()
    }
    # The probe's gradient rows, one per task, and their stacked Jacobian.
    jacobian = 2 * spec.n_tasks * shared * FLOAT_BYTES if tracked else 0
    forward = flops(plan, CONV_KINDS | DENSE_KINDS)
    passes = forward_passes(spec, train_windows, val_windows, epochs, track_conflict)
    seconds = _priced(
        time_terms(spec, train_windows, val_windows, epochs, batch_size, track_conflict),
        SECONDS_PER,
    )
    # PCGrad differentiates each task's loss on its own: a step costs up to n_tasks backward
    # passes and holds n_tasks gradients (measured 2.2-3.5 times a sum's time at 4 tasks).
    surgery = spec.n_tasks if method == "pcgrad" and shared > 0 else 1
    seconds = {name: value * surgery for name, value in seconds.items()}
    return RunCost(
        forward_flops=forward,
        train_flops_per_epoch=passes * forward / epochs,
        conv_flop_share=flops(plan, CONV_KINDS) / forward if forward else 0.0,
        param_bytes=params * FLOAT_BYTES,
        optimizer_bytes=ADAM_SLOTS * params * FLOAT_BYTES,
        gradient_bytes=surgery * params * FLOAT_BYTES,
        activation_bytes=held["activations"],
        eval_activation_bytes=eval_batch * values * FLOAT_BYTES,
        probe_bytes=held["probe"] + jacobian,
        data_bytes=int(DATA_COPIES * data_mb(spec, train_windows, val_windows) * MB),
        generation_bytes=held["generation"],
        graph_bytes=sum(b for n, b in held.items() if n not in PASSES_AND_DATA),
        compile_seconds=compile_seconds(spec),
        train_seconds=sum(seconds.values()),
        time_parts=tuple(sorted(seconds.items(), key=lambda item: -item[1])),
        epochs=epochs,
        train_windows=train_windows,
        batch_size=batch_size,
        eval_batch=eval_batch,
    )


def compile_seconds(spec: ModelSpec) -> float:
    """About how long a worker takes to build and trace `spec` the first time it runs it."""
    return sum(_priced(compile_terms(spec), COMPILE_SECONDS_PER).values())
