"""How long does the grouping oracle take through the worker pool, and what does it find?

Run: python benchmarks/grouping_oracle.py [--workers N] [--relatedness R] [--families F]
     [--seed S]

Submits the Compare tab's grouping oracle (every grouping of the 4 tasks as the branched
variant at k = 0, on 3 seeds, the one-trunk run on the first seed tracking the affinity) for
one visitor to a `TrainingService` like the app's, after its workers have warmed up, and
reports the wall time from submit to the last result, the worker replacements, the ranking and
the page's reading of it, with the affinity's prediction. The last line is JSON. (The browser's
own figure, click to "Download the ranking", adds the page's polling: about a second.)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.data.toy_data import DataSpec  # noqa: E402
from models.experiments import grouping  # noqa: E402
from models.experiments.affinity_groups import predicted  # noqa: E402
from models.spec import ModelSpec  # noqa: E402
from models.training.engine import TrainConfig  # noqa: E402
from models.workers.batch import Batch  # noqa: E402
from models.workers.jobs import TrainingService, TrainJob  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--relatedness", type=float, default=1.0)
    parser.add_argument("--families", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    sizes = ModelSpec()
    data = DataSpec(relatedness=args.relatedness, families=args.families)
    groupings, how = grouping.oracle_groupings(sizes.n_tasks, None)
    configs = grouping.oracle_configurations(sizes, groupings)
    runs = grouping.grouping_runs(
        configs, data, TrainConfig(seed=args.seed), grouping.one_trunk(configs)
    )
    service = TrainingService(workers=args.workers)
    try:
        warm = time.perf_counter()
        tiny = TrainJob(sizes, DataSpec(samples=8, val_samples=4), TrainConfig(epochs=1))
        for _ in range(args.workers):  # as in the app, the pool is up before a click
            service.submit(tiny).future.result()
        print(f"pool ready in {time.perf_counter() - warm:.1f} s")
        start = time.perf_counter()
        batch = Batch.start(service, runs, [r.job for r in runs], owner="visitor")
        while not batch.collect_if_done():
            batch.touch()  # as the page's poll does: a run nobody watches is stopped
            time.sleep(0.5)
        seconds = time.perf_counter() - start
        replaced = service.replacements
    finally:
        service.shutdown()
    histories = batch.histories(finished_only=True)
    table = grouping.ranking(runs, histories)
    matrix = grouping.measured_affinity(runs, histories, sizes.n_tasks)
    marked = None if matrix is None else grouping.grouping_label(predicted(matrix))
    training = sum(s.seconds or 0 for s in batch.statuses())
    unfinished = Counter(s.message or s.status for s in batch.statuses() if not s.finished)
    for message, count in unfinished.items():
        print(f"{count} run(s) did not finish: {message}")
    print(f"{how}: {len(runs)} runs on {args.workers} workers in {seconds:.1f} s")
    print(f"training inside the workers: {training:.1f} s; workers replaced: {replaced}")
    print(table.round(4).to_string(index=False))
    print(grouping.oracle_reading(table, marked))
    rank = None if marked is None else int(table.set_index("Configuration").loc[marked, "Rank"])
    print(
        json.dumps(
            {
                "runs": len(runs),
                "workers": args.workers,
                "wall_s": round(seconds, 1),
                "replaced": replaced,
                "unfinished": sum(unfinished.values()),
                "best": table["Configuration"].iloc[0],
                "predicted": marked,
                "predicted_rank": rank,
            }
        )
    )


if __name__ == "__main__":
    main()
