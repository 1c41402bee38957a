"""How long does the guided relatedness sweep take, and what does it show?

Run: python benchmarks/compare_sweep.py [--workers N] [--epochs E] [--seeds 0,1,2]

Submits the Compare tab's sweep (model 1 vs nothing shared at each relatedness, default
sizes and training settings) to a `TrainingService` like the app's, after its workers have
warmed up, and reports the wall time from submit to the last result, plus the sweep's table
and the app's one-sentence reading of it. With several seeds each seed is a separate sweep.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.experiments import sweep  # noqa: E402
from models.spec import ModelSpec  # noqa: E402
from models.training.engine import TrainConfig  # noqa: E402
from models.training.jobs import TrainingService, TrainJob  # noqa: E402
from models.training.toy_data import DataSpec  # noqa: E402


def run_sweep(service: TrainingService, seed: int, epochs: int):
    """(seconds from submit to the last result, summary table) of one sweep."""
    plan = sweep.sweep_plan(ModelSpec(), DataSpec(seed=seed), TrainConfig(seed=seed), epochs=epochs)
    start = time.perf_counter()
    handles = [service.submit(point.job) for point in plan]
    outcomes = [h.future.result() for h in handles]
    seconds = time.perf_counter() - start
    table = sweep.sweep_table(plan, [o.history for o in outcomes])
    return seconds, sweep.sweep_summary(table), table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=sweep.SWEEP_EPOCHS)
    parser.add_argument("--seeds", default="0")
    args = parser.parse_args()
    service = TrainingService(workers=args.workers, warm_specs=(ModelSpec(),))
    try:
        warm = time.perf_counter()
        tiny = TrainJob(ModelSpec(), DataSpec(samples=8, val_samples=4), TrainConfig(epochs=1))
        service.submit(tiny).future.result()  # as in the app, the pool is up before a click
        print(f"pool ready in {time.perf_counter() - warm:.1f} s")
        for seed in (int(s) for s in args.seeds.split(",")):
            seconds, summary, table = run_sweep(service, seed, args.epochs)
            print(f"\nseed {seed}: {len(table)} runs of {args.epochs} epochs in {seconds:.1f} s")
            print(summary.round(4).to_string(index=False))
            best = table.pivot(index="Relatedness", columns="Configuration", values="Best val loss")
            print("best val loss:\n" + best.round(4).to_string())
            print(sweep.sweep_reading(summary))
    finally:
        service.shutdown()


if __name__ == "__main__":
    main()
