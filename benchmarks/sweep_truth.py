"""Does the relatedness sweep tell the same story whatever the seeds?

Run: python benchmarks/sweep_truth.py [--seed-sets "0,1,2;3,4,5;6,7,8"] [--values 0,0.25,1]
     [--epochs E]

Trains the Compare tab's sweep plan (model 1 vs nothing shared, default sizes and learning
rate, the sweep's own toy data) for every seed set directly through `engine.train` in this
process, with a worker's thread settings, and prints each set's summary table, its verdict per
relatedness and the page's reading. The last line is JSON: per set the verdicts, the gaps
(mean, min, max of shared − none, best validation loss) and the engine seconds, and whether
every set gave the same verdicts.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.experiments import sweep  # noqa: E402
from models.spec import ModelSpec  # noqa: E402
from models.training.engine import TrainConfig  # noqa: E402
from models.workers.worker import init_worker  # noqa: E402


def run_plan(plan: list) -> tuple[list, float]:
    """Every run's history and the engine seconds they took in all."""
    from models.training.engine import train

    histories, seconds = [], 0.0
    for point in plan:
        result = train(point.job.spec, point.job.data.materialise(point.job.spec), point.job.config)
        histories.append(result.history)
        seconds += result.seconds
    return histories, seconds


def run_set(seeds: tuple[int, ...], values: tuple[float, ...], epochs: int) -> dict:
    """One sweep on `seeds`: its summary, reading and figures."""
    plan = sweep.sweep_plan(ModelSpec(), TrainConfig(), values, seeds, epochs)
    histories, seconds = run_plan(plan)
    summary = sweep.sweep_summary(sweep.sweep_table(plan, histories))
    gap = sweep.GAP
    return {
        "seeds": list(seeds),
        "runs": len(plan),
        "engine_s": round(seconds, 1),
        "verdicts": dict(zip(map(str, summary["Relatedness"]), summary["Verdict"], strict=True)),
        "gaps": {
            f"{r:g}": [round(row[gap], 3), round(row[f"{gap} min"], 3), round(row[f"{gap} max"], 3)]
            for r, row in summary.set_index("Relatedness").iterrows()
        },
        "reading": sweep.sweep_reading(summary),
        "summary": summary,
    }


def _compact(summary):
    """Each figure as "mean (min to max)" over the seeds, one column per configuration."""
    table = summary[["Relatedness", "Seeds", "Verdict"]].copy()
    for column in (*sweep.SWEEP_LABELS, sweep.GAP):
        table[column] = [
            f"{mean:.3f} ({low:.3f} to {high:.3f})"
            for mean, low, high in summary[[column, f"{column} min", f"{column} max"]].values
        ]
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed-sets", default="0,1,2;3,4,5;6,7,8")
    parser.add_argument("--values", default=",".join(f"{r:g}" for r in sweep.SWEEP_RELATEDNESS))
    parser.add_argument("--epochs", type=int, default=sweep.SWEEP_EPOCHS)
    args = parser.parse_args()
    init_worker()  # a worker's threads and TensorFlow options, before TensorFlow loads
    values = tuple(float(v) for v in args.values.split(","))
    seed_sets = [tuple(int(s) for s in part.split(",")) for part in args.seed_sets.split(";")]
    run_plan(sweep.sweep_plan(ModelSpec(), TrainConfig(), values[:1], seed_sets[0][:1], 1))
    results, start = [], time.perf_counter()
    for seeds in seed_sets:
        result = run_set(seeds, values, args.epochs)
        summary = result.pop("summary")
        print(f"\nseeds {seeds}: {result['runs']} runs, {result['engine_s']} s of training")
        print(_compact(summary).to_string(index=False))
        print(result["reading"])
        results.append(result)
    same = all(r["verdicts"] == results[0]["verdicts"] for r in results)
    print(f"\nsame verdicts for every seed set: {same}")
    wall = round(time.perf_counter() - start, 1)
    print(json.dumps({"sets": results, "same_verdicts": same, "wall_s": wall}))


if __name__ == "__main__":
    main()
