"""How long does the guided relatedness sweep take through the worker pool, and what does it show?

Run: python benchmarks/compare_sweep.py [--workers N] [--seeds 0,1,2] [--values 0,0.25,1]
     [--epochs E] [--samples S] [--val-samples V] [--noise X] [--batch B]

Submits the Compare tab's sweep (model 1 vs nothing shared at each relatedness and seed,
default sizes and learning rate, the sweep's own toy data unless overridden) to a
`TrainingService` like the app's, after its workers have warmed up, and reports the wall time
from submit to the last result, the sweep's summary and the page's reading of it. The last line
is JSON. (`benchmarks/sweep_truth.py` checks the reading over several seed sets; this one times
the sweep as the page runs it, minus the browser.)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.data.toy_data import DataSpec  # noqa: E402
from models.experiments import sweep  # noqa: E402
from models.spec import ModelSpec  # noqa: E402
from models.training.engine import TrainConfig  # noqa: E402
from models.workers.jobs import TrainingService, TrainJob  # noqa: E402


def run_sweep(service: TrainingService, plan: list) -> tuple[float, list]:
    """(seconds from submit to the last result, each run's history) of one sweep."""
    start = time.perf_counter()
    handles = [service.submit(point.job) for point in plan]
    outcomes = [h.future.result() for h in handles]
    return time.perf_counter() - start, [o.history for o in outcomes]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seeds", default=",".join(map(str, sweep.sweep_seeds(0))))
    parser.add_argument("--values", default=",".join(f"{r:g}" for r in sweep.SWEEP_RELATEDNESS))
    parser.add_argument("--epochs", type=int, default=sweep.SWEEP_EPOCHS)
    parser.add_argument("--samples", type=int, default=sweep.SWEEP_DATA.samples)
    parser.add_argument("--val-samples", type=int, default=sweep.SWEEP_DATA.val_samples)
    parser.add_argument("--noise", type=float, default=sweep.SWEEP_DATA.noise)
    parser.add_argument("--batch", type=int, default=sweep.SWEEP_BATCH)
    args = parser.parse_args()
    data = replace(
        sweep.SWEEP_DATA, samples=args.samples, val_samples=args.val_samples, noise=args.noise
    )
    seeds = tuple(int(s) for s in args.seeds.split(","))
    values = tuple(float(v) for v in args.values.split(","))
    plan = sweep.sweep_plan(
        ModelSpec(), TrainConfig(), values, seeds, args.epochs, data, args.batch
    )
    specs = tuple(c.spec for c in sweep.sweep_configurations(ModelSpec()))
    service = TrainingService(workers=args.workers, warm_specs=specs)
    try:
        warm = time.perf_counter()
        tiny = TrainJob(specs[0], DataSpec(samples=8, val_samples=4), TrainConfig(epochs=1))
        for _ in range(args.workers):  # as in the app, the pool is up before a click
            service.submit(tiny).future.result()
        print(f"pool ready in {time.perf_counter() - warm:.1f} s")
        seconds, histories = run_sweep(service, plan)
    finally:
        service.shutdown()
    summary = sweep.sweep_summary(sweep.sweep_table(plan, histories))
    print(f"{len(plan)} runs of {args.epochs} epochs on {args.workers} workers in {seconds:.1f} s")
    print(summary.round(3).to_string(index=False))
    print(sweep.sweep_reading(summary))
    print(json.dumps({"runs": len(plan), "workers": args.workers, "wall_s": round(seconds, 2)}))


if __name__ == "__main__":
    main()
