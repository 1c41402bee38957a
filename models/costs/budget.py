"""What one run may cost on this host, and the sentence that refuses a run over it.

The app is public and runs in one small container (Streamlit Community Cloud: 2 cores, about
2.7 GB, killed when over): every value the sidebar accepts is in bounds, yet some combinations
would train for hours or take gigabytes. The server prices a run (`models.costs.estimate`)
and refuses it at the click with one sentence that says what to lower.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass

from models.costs.estimate import RunCost

LOG = logging.getLogger(__name__)

# A run that takes longer leaves the page's other visitors waiting for the cores.
DEFAULT_RUN_SECONDS = 120.0
# The container holds the Streamlit server, the workers' fork server, the Keras lane's worker
# and two warm training workers (their sizes: models.workers.sizing): what is left of ~2.7 GB,
# less a margin, is what one run may add to a worker.
DEFAULT_RUN_MB = 600.0
DEFAULT_TREE_MB = 2500.0
ENVIRONMENT = {
    "max_run_seconds": "LSE_MAX_RUN_SECONDS",
    "max_run_mb": "LSE_MAX_RUN_MB",
    "max_tree_mb": "LSE_MAX_TREE_MB",
}
SMALL_BATCH = 8  # at or below this many windows per step, steps' overhead rules the time


@dataclass(frozen=True)
class Budget:
    """Limits per run and for the app's whole process tree (server, fork server, workers)."""

    max_run_seconds: float = DEFAULT_RUN_SECONDS
    max_run_mb: float = DEFAULT_RUN_MB
    max_tree_mb: float = DEFAULT_TREE_MB


def budget_from_environment(environ: Mapping[str, str] | None = None) -> Budget:
    """The default budget with overrides from LSE_MAX_RUN_SECONDS, LSE_MAX_RUN_MB and
    LSE_MAX_TREE_MB (positive numbers); a bad value keeps its default and logs a warning."""
    environ = os.environ if environ is None else environ
    values = {}
    for field_name, variable in ENVIRONMENT.items():
        text = environ.get(variable)
        if text is None or not text.strip():
            continue
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if math.isfinite(value) and value > 0:
            values[field_name] = value
        else:
            LOG.warning("%s=%r is not a positive number; keeping the default.", variable, text)
    return Budget(**values)


def duration(seconds: float) -> str:
    """ "1.2 s", "42 s", "3 min 20 s", "40 min", "2 h 5 min", "6 days": minutes and seconds,
    never "1182.4 s"."""
    if seconds < 9.95:
        return f"{max(seconds, 0.1):.1f} s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, rest = divmod(whole, 60)
    if minutes < 10:
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{round(hours / 24)} days"


def size(mb: float) -> str:
    """ "35 MB", "1.7 GB"."""
    return f"{mb / 1024:.1f} GB" if mb >= 1000 else f"{max(round(mb), 1)} MB"


def describe(cost: RunCost, compiled: bool = False) -> str:
    """The run's expected time for the Train tab: "about 3 min 20 s". `compiled`: the spec is
    already compiled in the worker that will run it, so its first-run tracing is not paid."""
    return f"about {duration(cost.train_seconds if compiled else cost.seconds)}"


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


# Advice: (things to use, things to have fewer of, other things to do).
Advice = tuple[list[str], list[str], list[str]]
STEP_TERMS = ("steps", "step_calls", "step_params")  # the overhead of each optimizer step
WORK_TERMS = ("conv_flops", "dense_flops", "values")  # arithmetic on every window's pass
SWITCH_OFF_PROBE = "switch off the gradient-conflict measure"


def _time_advice(cost: RunCost) -> Advice:
    parts = dict(cost.time_parts)
    steps = sum(parts.get(n, 0.0) for n in STEP_TERMS)
    work = sum(parts.get(n, 0.0) for n in WORK_TERMS)
    if steps >= work:  # many small steps: a batch of 1 on thousands of windows
        return [f"a larger batch (now {cost.batch_size})"], ["epochs", "training windows"], []
    model = "filters" if cost.conv_flop_share >= 0.5 else "units"
    return [], ["epochs", model, "time steps"], []


def _memory_advice(cost: RunCost) -> Advice:
    weights = cost.param_bytes + cost.optimizer_bytes + cost.gradient_bytes + cost.graph_bytes
    parts = {
        "batch": max(cost.activation_bytes, cost.eval_activation_bytes),
        "probe": cost.probe_bytes,
        "data": cost.data_bytes + cost.generation_bytes,
        "weights": weights,
    }
    largest = max(parts, key=parts.get)
    if largest == "batch" and cost.batch_size > SMALL_BATCH:
        smaller = f"a smaller batch (now {cost.batch_size}; it needs less memory but more time)"
        return [smaller], [], []
    if largest == "probe":  # its windows' activations, held once per task
        return [], ["filters", "time steps"], [SWITCH_OFF_PROBE]
    if largest == "data":
        return [], ["training windows", "time steps", "features"], []
    return [], ["filters", "units", "time steps"], []


def refusal(cost: RunCost, budget: Budget) -> str | None:
    """None when the run fits `budget`; else one sentence with the estimate, the limits and
    what to lower, chosen from what dominates the cost."""
    over_time = cost.seconds > budget.max_run_seconds
    over_memory = cost.mb > budget.max_run_mb
    if not (over_time or over_memory):
        return None
    use, fewer, other = [], [], []
    for over, advise in ((over_time, _time_advice), (over_memory, _memory_advice)):
        if over:
            for mine, theirs in zip((use, fewer, other), advise(cost), strict=True):
                mine += [item for item in theirs if item not in mine]
    if over_time and over_memory:  # a larger and a smaller batch at once: neither helps both
        use = [item for item in use if "batch" not in item]
    use += [f"fewer {_join(fewer)}"] if fewer else []
    remedies = ([f"use {', or '.join(use)}"] if use else []) + other
    return (
        f"This run would take about {duration(cost.seconds)} and {size(cost.mb)}; this host "
        f"allows {duration(budget.max_run_seconds)} and {size(budget.max_run_mb)} per run: "
        f"{', or '.join(remedies)}."
    )
