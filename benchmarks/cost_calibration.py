"""Fit and check the run-cost model (models/costs/estimate.py). Run:
python benchmarks/cost_calibration.py [--only time|memory]

Time: trains a spread of specs (every variant, batch 1 to 512, with and without conflict
tracking) with `models.training.engine.train` in this process, threads as in a worker; first
runs (build and trace) apart from warm runs. CPU seconds (the table also gives wall time).
Memory: each spec in a fresh spawned process warmed up as a worker is; the peak private memory
above that baseline. Fits by non-negative least squares on relative errors; prints
predicted/measured (worst factor) and ends with one JSON line.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import multiprocessing
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from scipy.optimize import nnls  # noqa: E402

from models.architectures.variants import clamp_k  # noqa: E402
from models.costs import estimate, terms  # noqa: E402
from models.spec import ModelSpec  # noqa: E402

TARGET_SECONDS = 1.5  # a warm measured run's length: long enough to swamp timer noise
MAX_EPOCHS = 300
Q = ModelSpec()  # the question's sizes
TINY = ModelSpec(n_features=2, timesteps=10, horizon=2, conv_filters=(4,), dense_units=(8,))
CONV = ModelSpec(timesteps=128, horizon=16, conv_filters=(32, 64), kernel_size=5, dense_units=(64,))
WIDE = ModelSpec(n_features=8, timesteps=256, horizon=32, conv_filters=(128,) * 3, dense_units=(8,))
POINT = ModelSpec(  # kernel 1 on the largest sizes, as in the hostile links
    n_features=16, timesteps=512, horizon=128, conv_filters=(256, 256), kernel_size=1,
    dense_units=(1,),
)  # fmt: skip
DENSE = ModelSpec(n_features=8, timesteps=64, horizon=32, conv_filters=(), dense_units=(1024, 512))
TOWERS = ModelSpec(n_features=16, timesteps=64, conv_filters=(16, 32), dense_units=(64,))
EXTRA = ModelSpec(n_features=6, extra_inputs=3, timesteps=24, horizon=6, conv_filters=(8, 8))


def v(spec: ModelSpec, variant: str, k: int) -> ModelSpec:
    return clamp_k(spec.replace(variant=variant, shared_layers=k))


# (spec, training windows, validation windows, batch, track conflict)
# fmt: off
SPREAD = [
    (v(Q, "hard", 5), 1000, 200, 32, True), (v(Q, "hard", 5), 1000, 200, 1, False),
    (v(Q, "hard", 5), 2000, 200, 512, True), (v(Q, "hard", 0), 1000, 200, 32, True),
    (v(Q, "hard", 0), 400, 1000, 64, False), (v(Q, "towers", 1), 1000, 200, 32, True),
    (v(Q, "towers", 3), 1000, 200, 8, False), (v(Q, "cross_stitch", 5), 1000, 200, 32, True),
    (v(Q, "cross_stitch", 2), 500, 100, 4, False), (v(Q, "mmoe", 2), 1000, 200, 32, True),
    (v(Q, "mmoe", 8), 1000, 200, 128, True), (v(TINY, "hard", 2), 2000, 200, 1, True),
    (v(TINY, "mmoe", 1), 200, 50, 16, True), (v(CONV, "hard", 3), 500, 100, 32, True),
    (v(CONV, "towers", 1), 500, 100, 64, True), (v(CONV, "cross_stitch", 3), 300, 100, 16, False),
    (v(CONV, "mmoe", 3), 300, 100, 128, False), (v(WIDE, "hard", 4), 200, 50, 32, True),
    (v(WIDE, "hard", 0), 100, 50, 128, False), (v(POINT, "hard", 3), 60, 40, 32, True),
    (v(POINT, "mmoe", 1), 60, 20, 2, False), (v(DENSE, "hard", 2), 1000, 200, 128, True),
    (v(DENSE, "mmoe", 1), 300, 100, 1, False), (v(TOWERS, "towers", 1), 500, 100, 1, False),
    (v(TOWERS, "towers", 2), 1000, 200, 256, True), (v(EXTRA, "hard", 2), 1500, 300, 8, True),
    (v(EXTRA, "cross_stitch", 4), 800, 200, 16, True),
]
# Memory: the graphs, the weights, a training batch, the probe or the data dominate in turn.
MEMORY = [
    (v(Q, "hard", 5), 1000, 200, 32, True), (v(Q, "hard", 0), 1000, 200, 32, False),
    (v(Q, "towers", 1), 1000, 200, 32, True), (v(Q, "cross_stitch", 5), 1000, 200, 32, True),
    (v(Q, "mmoe", 8), 1000, 200, 32, True), (v(TINY, "hard", 2), 2000, 200, 1, True),
    (v(TOWERS, "towers", 1), 200, 50, 32, True), (v(WIDE, "hard", 4), 200, 50, 512, False),
    (v(WIDE, "hard", 4), 200, 50, 16, True), (v(POINT, "hard", 3), 200, 40, 64, False),
    (v(POINT, "hard", 2), 200, 40, 16, True), (v(POINT, "mmoe", 1), 2000, 200, 32, False),
    (v(CONV, "cross_stitch", 3), 2000, 100, 256, False), (v(DENSE, "hard", 2), 200, 200, 32, False),
    (v(DENSE, "mmoe", 1), 2000, 200, 1024, False),
]
# fmt: on


def label(case) -> str:
    spec, n, val, batch, track = case
    size = (
        f"{spec.timesteps}x{spec.n_features} f{list(spec.conv_filters)} u{list(spec.dense_units)}"
    )
    return f"{spec.variant} k{spec.shared_layers} {size} n{n} b{batch}{' c' if track else ''}"


def run_seconds(case, epochs: int) -> tuple[float, float]:
    """Generate the data and train, as a worker's job does: (CPU seconds, wall seconds)."""
    from models.data.toy_data import DataSpec
    from models.training.engine import TrainConfig, train

    spec, n, val, batch, track = case
    cpu, wall = time.process_time(), time.perf_counter()
    data = DataSpec(samples=n, val_samples=val).materialise(spec)
    train(spec, data, TrainConfig(epochs=epochs, batch_size=batch, track_conflict=track))
    return time.process_time() - cpu, time.perf_counter() - wall


def measure_case(case, compiles: list[dict]) -> dict:
    """A warm run's seconds; the spec's compile seconds go to `compiles` the first time."""
    spec, n, val, batch, track = case
    cold = run_seconds(case, 1)[0]
    warm_one = min(run_seconds(case, 1)[0] for _ in range(2))
    if not any(c["spec"] == spec for c in compiles):
        seconds = max(cold - warm_one, 1e-3)
        compiled = {"terms": terms.compile_terms(spec), "measured": seconds}
        compiles.append({"spec": spec, "label": label(case), **compiled})
    epochs = int(np.clip(TARGET_SECONDS / warm_one, 1, MAX_EPOCHS))
    cpu, wall = min(run_seconds(case, epochs) for _ in range(2))
    print(f"{label(case)}: {epochs} epochs {cpu:.2f} s CPU ({wall:.2f} s wall), first run "
          f"+{cold - warm_one:.2f} s", flush=True)  # fmt: skip
    amounts = terms.time_terms(spec, n, val, epochs, batch, track)
    return {"label": label(case), "terms": amounts, "measured": cpu, "wall": wall}


def measure_times() -> tuple[list[dict], list[dict]]:
    """Warm runs' seconds, and each spec's first run's extra seconds (its compile)."""
    from models.workers.worker import RUNTIME_WARM_SPEC, warm_up

    warm_up(RUNTIME_WARM_SPEC)  # TensorFlow's own start-up is no spec's compile
    runs, compiles = [], []
    for case in SPREAD:
        try:
            runs.append(measure_case(case, compiles))
        except Exception as error:  # the engine could not train it: the fit goes on without
            print(f"{label(case)}: FAILED ({type(error).__name__})", flush=True)
    return runs, compiles


def fit(rows: list[dict]) -> dict[str, float]:
    """Non-negative constants minimising the squared relative error (of what is left to
    explain once the known part, if any, is taken off)."""
    names = list(rows[0]["terms"])
    left = [r["measured"] - r.get("known", 0.0) for r in rows]
    a = np.array([[r["terms"][n] / m for n in names] for r, m in zip(rows, left, strict=True)])
    scale = np.maximum(a.max(axis=0), 1e-30)
    solution, _ = nnls(a / scale, np.ones(len(rows)))
    return {n: float(f"{c / s:.3g}") for n, c, s in zip(names, solution, scale, strict=True)}


def ratios(rows, rates, measured="measured") -> list[float]:
    return [
        (r.get("known", 0.0) + sum(r["terms"][n] * rates[n] for n in rates)) / r[measured]
        for r in rows
    ]


def worst(values: list[float]) -> float:
    """The largest factor between predicted and measured, either way."""
    return round(max(max(values), 1 / min(values)), 2)


def report(rows, stored, what) -> dict:
    fitted = fit(rows)
    new, old = ratios(rows, fitted), ratios(rows, stored)
    if "predicted" in rows[0]:  # the estimate itself: its evaluation batch too
        old = [r["predicted"] / r["measured"] for r in rows]
    walls = ratios(rows, stored, "wall") if "wall" in rows[0] else old
    print(f"\n{what}: measured; predicted/measured fitted | in estimate.py (and /wall)")
    for r, a, b, w in zip(rows, new, old, walls, strict=True):
        print(f"  {r['label']:<58} {r['measured']:7.2f}  {a:5.2f} | {b:5.2f} ({w:5.2f})")
    figures = {"worst_fitted": worst(new), "worst_stored": worst(old), "worst_wall": worst(walls)}
    figures["most_under_stored"] = round(1 - min(old), 2)
    print(f"  {figures}\n  fitted: {fitted}")
    return figures | {"fitted": fitted}


def _memory_child(case, queue) -> None:
    """In a fresh process: warm up as a worker, then the peak private growth of one run."""
    from models.training.threads import set_thread_environment

    set_thread_environment()
    from models.workers.processes import memory_mb
    from models.workers.worker import RUNTIME_WARM_SPEC, warm_up

    warm_up(RUNTIME_WARM_SPEC)
    ctypes.CDLL(None).malloc_trim(0)  # as the worker does before its memory baseline
    baseline, peak, done = memory_mb(os.getpid()), [0.0], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], memory_mb(os.getpid()))
            time.sleep(0.005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        run_seconds(case, 2)
    finally:  # a failed run still ends the process
        done.set()
    queue.put(max(peak[0], memory_mb(os.getpid())) - baseline)


def measure_memory() -> list[dict]:
    context, rows = multiprocessing.get_context("spawn"), []
    for case in MEMORY:
        queue = context.Queue()
        child = context.Process(target=_memory_child, args=(case, queue))
        child.start()
        child.join()
        if child.exitcode != 0:  # its traceback is on stderr; the fit goes on without it
            print(f"{label(case)}: FAILED (exit code {child.exitcode})", flush=True)
            continue
        growth = max(queue.get(), 1.0)
        spec, n, val, batch, track = case
        cost = estimate.estimate_run(spec, n, val, 2, batch, track)
        amounts = terms.memory_terms(spec, n, val, batch, cost.eval_batch, track)
        # Exact: the weights, Adam's moments, the gradients, the windows, the probe's Jacobian.
        known = cost.param_bytes + cost.optimizer_bytes + cost.gradient_bytes + cost.data_bytes
        known += cost.probe_bytes - amounts["probe"] * estimate.MB_PER["probe"] * terms.MB
        row = {"label": label(case), "terms": amounts, "measured": growth, "known": known / 2**20}
        rows.append(row | {"predicted": cost.mb})
        print(f"{label(case)}: grew {growth:.0f} MB, predicted {cost.mb:.0f} MB", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=("time", "memory"), help="measure only this")
    args = parser.parse_args()
    from models.training.threads import set_thread_environment

    set_thread_environment()  # before TensorFlow loads, as in a training worker
    started, figures = time.perf_counter(), {"benchmark": "cost_calibration"}
    if args.only != "memory":
        runs, compiles = measure_times()
        figures["time"] = report(runs, estimate.SECONDS_PER, "warm runs, CPU s")
        figures["compile"] = report(compiles, estimate.COMPILE_SECONDS_PER, "first runs, CPU s")
    if args.only != "time":
        figures["memory"] = report(measure_memory(), estimate.MB_PER, "memory growth, MB")
    figures["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
