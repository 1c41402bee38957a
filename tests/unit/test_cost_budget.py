"""A run's estimated cost against the host's budget: what fits, what is refused and the
sentence that says what to lower (models.costs.estimate, models.costs.budget)."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qsl

from hypothesis import given, settings
from hypothesis import strategies as st

from models.architectures.presets import MODEL_2, PRESETS
from models.costs.budget import Budget, budget_from_environment, describe, duration, refusal
from models.costs.estimate import EVAL_CAP_BYTES, estimate_run, eval_batch_windows
from models.costs.plan import activation_values, call_plan, total_params
from models.data.toy_data import DataSpec
from models.experiments.sweep import SWEEP_BATCH, SWEEP_DATA, SWEEP_EPOCHS, sweep_configurations
from models.spec import ModelSpec
from models.training.engine import TrainConfig
from models.urlstate import spec_from_query, training_from_query

QUESTION = ModelSpec()
BUDGET = Budget()
DATA, CONFIG = DataSpec(), TrainConfig()  # 1,000 windows, 200 for validation, 60 epochs, 32
HOSTILE_HARD = (
    "variant=hard&k=7&features=16&timesteps=512&horizon=128&filters=256,256,256,256,256,256"
    "&kernel=1&units=1&epochs=5000&samples=2000&batch=32"
)
HOSTILE_TOWERS = HOSTILE_HARD.replace("hard&k=7", "towers&k=6").replace("batch=32", "batch=1")
# Big per-window activations (three 256-filter convs over 512 steps), one short epoch.
WIDE = ModelSpec(
    shared_layers=4,
    n_features=16,
    timesteps=512,
    horizon=8,
    conv_filters=(256, 256, 256),
    kernel_size=1,
    dense_units=(1,),
)


def default_cost(spec: ModelSpec, **changes):
    settings_ = {
        "train_windows": DATA.samples,
        "val_windows": DATA.val_samples,
        "epochs": CONFIG.epochs,
        "batch_size": CONFIG.batch_size,
        "track_conflict": CONFIG.track_conflict,
    }
    return estimate_run(spec, **(settings_ | changes))


def link_cost(link: str):
    query = dict(parse_qsl(link))
    spec, spec_problems = spec_from_query(query)
    training, training_problems = training_from_query(query)
    assert not spec_problems and not training_problems  # every value is within bounds
    return estimate_run(
        spec,
        training["samples"],
        DATA.val_samples,
        training["epochs"],
        training["batch_size"],
        True,
    )


def test_the_question_models_and_every_preset_fit_comfortably_at_the_defaults():
    for preset in PRESETS:
        cost = default_cost(preset.on(QUESTION))
        assert refusal(cost, BUDGET) is None, preset.label
        assert cost.seconds < BUDGET.max_run_seconds / 4 and cost.mb < BUDGET.max_run_mb / 2


def test_the_sweeps_points_fit():
    for configuration in sweep_configurations(QUESTION):
        cost = default_cost(
            configuration.spec,
            train_windows=SWEEP_DATA.samples,
            val_windows=SWEEP_DATA.val_samples,
            epochs=SWEEP_EPOCHS,
            batch_size=SWEEP_BATCH,
            track_conflict=False,
        )
        assert refusal(cost, BUDGET) is None


def test_the_hostile_links_are_refused_naming_what_to_lower():
    for link in (HOSTILE_HARD, HOSTILE_TOWERS):
        cost = link_cost(link)
        sentence = refusal(cost, BUDGET)
        assert sentence is not None and sentence.endswith(".") and ". " not in sentence
        assert sentence.startswith("This run would take about ")
        assert "this host allows 2 min and 600 MB per run" in sentence
        assert "epochs" in sentence and ("filters" in sentence or "time steps" in sentence)
        assert cost.seconds > 30 * BUDGET.max_run_seconds


def test_batch_one_on_thousands_of_windows_is_refused_for_time():
    cost = default_cost(QUESTION, train_windows=2000, batch_size=1, epochs=1000)
    assert cost.seconds > BUDGET.max_run_seconds and cost.mb < BUDGET.max_run_mb
    sentence = refusal(cost, BUDGET)
    assert "a larger batch (now 1)" in sentence and "epochs" in sentence


def test_a_huge_activation_batch_is_refused_for_memory_and_a_smaller_batch_suggested():
    cost = default_cost(
        WIDE, train_windows=512, val_windows=64, epochs=1, batch_size=512, track_conflict=False
    )
    assert cost.seconds < BUDGET.max_run_seconds
    assert cost.mb > BUDGET.max_run_mb
    assert "a smaller batch (now 512" in refusal(cost, BUDGET)
    smaller = default_cost(
        WIDE, train_windows=512, val_windows=64, epochs=1, batch_size=16, track_conflict=False
    )
    assert smaller.mb < BUDGET.max_run_mb and smaller.seconds > cost.seconds


def test_memory_and_flops_are_counted_from_the_plan():
    plan = call_plan(QUESTION)
    cost = default_cost(QUESTION)
    params = total_params(plan)
    assert cost.param_bytes == 4 * params and cost.gradient_bytes == 4 * params
    assert cost.optimizer_bytes == 2 * 4 * params  # Adam: two moments per weight
    window = QUESTION.timesteps * QUESTION.n_features + QUESTION.n_tasks * QUESTION.horizon
    assert cost.data_bytes == 2 * 4 * (DATA.samples + DATA.val_samples) * window
    assert cost.forward_flops == 2 * sum(c.macs for c in plan)
    untracked = default_cost(QUESTION, track_conflict=False)
    passes = 3 * DATA.samples + DATA.val_samples  # train forward + backward, validation
    assert untracked.train_flops_per_epoch == passes * cost.forward_flops
    assert cost.train_flops_per_epoch > untracked.train_flops_per_epoch  # the probe's work


def test_evaluation_batches_fit_the_cap_unless_one_training_batch_does_not():
    per_window = activation_values(call_plan(WIDE)) * 4
    size = eval_batch_windows(WIDE, 4)
    assert size * per_window <= EVAL_CAP_BYTES < (size + 1) * per_window
    assert eval_batch_windows(WIDE, 512) == 512  # at least one training batch
    assert eval_batch_windows(QUESTION, 32, windows=200) == 200  # never more than there are
    assert eval_batch_windows(QUESTION, 32) > 10_000


SPECS = st.sampled_from(
    [QUESTION, MODEL_2.on(QUESTION), QUESTION.replace(variant="mmoe", shared_layers=3), WIDE]
)
COUNTS = st.integers(1, 2000)


@settings(max_examples=60, deadline=None)
@given(SPECS, COUNTS, COUNTS, st.integers(1, 4999), COUNTS, st.booleans(), st.integers(1, 2000))
def test_more_work_never_costs_less(spec, windows, val, epochs, batch, track, more):
    cost = estimate_run(spec, windows, val, epochs, batch, track)
    for bigger in (
        estimate_run(spec, windows, val, epochs + more, batch, track),
        estimate_run(spec, windows + more, val, epochs, batch, track),
        estimate_run(spec, windows, val + more, epochs, batch, track),
    ):
        assert bigger.seconds >= cost.seconds and bigger.mb >= cost.mb
    larger_batch = estimate_run(spec, windows, val, epochs, batch + more, track)
    assert larger_batch.seconds <= cost.seconds and larger_batch.mb >= cost.mb


def test_durations_read_as_minutes_and_seconds():
    assert [duration(s) for s in (0.04, 1.23, 42.4, 200, 1182.4, 7500, 6 * 86400)] == [
        "0.1 s",
        "1.2 s",
        "42 s",
        "3 min 20 s",
        "20 min",
        "2 h 5 min",
        "6 days",
    ]
    cost = default_cost(QUESTION)
    assert describe(cost) == f"about {duration(cost.seconds)}"
    assert describe(cost, compiled=True) == f"about {duration(cost.train_seconds)}"


def test_the_environment_overrides_the_budget(caplog):
    assert budget_from_environment({}) == Budget(120.0, 600.0, 2500.0)
    environ = {"LSE_MAX_RUN_SECONDS": "30", "LSE_MAX_RUN_MB": "1200.5", "LSE_MAX_TREE_MB": "4000"}
    assert budget_from_environment(environ) == Budget(30.0, 1200.5, 4000.0)
    with caplog.at_level(logging.WARNING):
        bad = {"LSE_MAX_RUN_SECONDS": "two", "LSE_MAX_RUN_MB": "-5", "LSE_MAX_TREE_MB": "nan"}
        assert budget_from_environment(bad) == Budget()
    assert all(name in caplog.text for name in bad)
    cost = default_cost(QUESTION)
    assert refusal(cost, Budget(max_run_seconds=cost.seconds / 2)) is not None


def test_pricing_a_run_loads_no_tensorflow():
    code = (
        "import sys; import models.costs.budget, models.costs.estimate;"
        "assert not {'tensorflow', 'keras'} & set(sys.modules), 'TensorFlow was loaded'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])
