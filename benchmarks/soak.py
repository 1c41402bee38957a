"""Memory soak: 100 trainings in a row with varied specs, through the app's training service.

The benchmark process plays the Streamlit server: it imports Keras and builds and analyses
every spec (as the page does), while the trainings run in the service's worker processes.
After each training it sums PSS (proportional set size, /proc/PID/smaps_rollup) over itself
and its children, so shared library pages count once. Targets: peak under 1,500 MB, and the
last 20 trainings add under 100 MB. Baseline in the same run: the PSS before any training.
Workers are replaced as they grow, so the tree's PSS is a saw-tooth: `growth_last20_mb` (last
minus first of the last 20) depends on where in a tooth those fall, and
`peak_last20_vs_previous20_mb` (the highest of the last 20 minus the highest of the 20 before)
does not.

Run it alone: PSS splits shared pages among every process that maps them, so TensorFlow
processes outside the tree (a test suite, another app) make the tree look smaller. The run
counts them (`other_tensorflow_processes`, largest seen) and says so.
Last line: JSON with `trainings`, `peak_pss_mb`, `growth_last20_mb`, `baseline_pss_mb`, ...
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psutil  # noqa: E402

from models.data.toy_data import DataSpec  # noqa: E402
from models.inspect import explained_analysis  # noqa: E402
from models.spec import ModelSpec  # noqa: E402
from models.training.engine import TrainConfig  # noqa: E402
from models.workers.jobs import TrainJob, service_from_environment  # noqa: E402
from models.workers.processes import memory_mb  # noqa: E402

TRAININGS = int(os.environ.get("SOAK_TRAININGS", "100"))


def tree_pss_mb() -> float:
    me = psutil.Process()
    pids = [me.pid] + [child.pid for child in me.children(recursive=True)]
    return sum(memory_mb(pid, "pss") for pid in pids)


def other_tensorflow_processes() -> int:
    """Processes outside this tree that map TensorFlow's library (they share its pages)."""
    me = psutil.Process()
    ours = {me.pid} | {child.pid for child in me.children(recursive=True)}
    count = 0
    for pid in (int(name) for name in os.listdir("/proc") if name.isdigit()):
        try:
            with open(f"/proc/{pid}/maps", encoding="utf-8", errors="replace") as maps:
                count += pid not in ours and "libtensorflow" in maps.read()
        except OSError:  # gone, or not ours to read
            pass
    return count


def specs():
    """An endless, varied cycle: both variants, every k, a few sizes."""
    sizes = [{}, {"conv_filters": (4, 8)}, {"dense_units": (64,)}, {"n_features": 3}]
    for size in itertools.cycle(sizes):
        for variant, k in [("hard", 5), ("towers", 1), ("hard", 0), ("towers", 3), ("hard", 2)]:
            spec = ModelSpec(variant=variant, **size)
            yield spec.replace(
                shared_layers=min(k, spec.n_conv + (spec.n_dense if variant == "hard" else 0))
            )


def main() -> None:
    service = service_from_environment()  # as the app: LSE_TRAIN_WORKERS or cores and memory
    baseline = tree_pss_mb()
    samples, start, others = [], time.time(), other_tensorflow_processes()
    for i, spec in zip(range(TRAININGS), specs(), strict=False):
        explained_analysis(spec)  # what the page does for a new setting
        handle = service.submit(TrainJob(spec, DataSpec(seed=i), TrainConfig(epochs=150, seed=i)))
        while not handle.done():
            handle.rows()
            time.sleep(0.05)
        result, error = handle.outcome()
        assert error is None, error
        samples.append(tree_pss_mb())
        if i % 10 == 9:
            others = max(others, other_tensorflow_processes())
        print(
            f"{i + 1:3d} {spec.variant:6s} k={spec.shared_layers} {result.status:8s} "
            f"{result.seconds:5.2f} s  tree PSS {samples[-1]:7.1f} MB",
            flush=True,
        )
    service.shutdown()
    last20 = samples[-20:]
    result = {
        "trainings": len(samples),
        "baseline_pss_mb": round(baseline, 1),
        "peak_pss_mb": round(max(samples), 1),
        "growth_last20_mb": round(last20[-1] - last20[0], 1),
        "max_in_last20_minus_first_mb": round(max(last20) - last20[0], 1),
        "peak_last20_vs_previous20_mb": round(max(last20) - max(samples[-40:-20] or last20), 1),
        "other_tensorflow_processes": others,
        "workers": service.workers,
        "replacements": service.replacements,
        "minutes": round((time.time() - start) / 60, 1),
    }
    print(
        f"peak {result['peak_pss_mb']} MB PSS (baseline {result['baseline_pss_mb']} MB); "
        f"last 20 trainings added {result['growth_last20_mb']} MB"
    )
    if others:
        print(f"{others} TensorFlow processes outside this run shared its pages: PSS reads low")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
