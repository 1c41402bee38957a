"""The guided relatedness sweep: its plan, tables, chart and the sentence that reads them."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import numpy as np
import pytest

from components.compare.charts import sweep_figure
from models.experiments import sweep
from models.spec import ModelSpec
from models.training.engine import TrainConfig, train
from support.histories import history_of

SIZES = ModelSpec()
SEEDS = (0, 1, 2)
VALUES = (0.0, 0.5, 1.0)


def test_plan_runs_every_point_on_three_seeds_of_the_sweeps_own_data():
    config = TrainConfig(epochs=999, seed=3, batch_size=8, learning_rate=5e-4)
    plan = sweep.sweep_plan(SIZES, config)
    assert sweep.SWEEP_SEEDS >= 3
    runs = Counter((p.relatedness, p.configuration.label) for p in plan)
    assert len(runs) == 2 * len(sweep.SWEEP_RELATEDNESS)
    assert set(runs.values()) == {sweep.SWEEP_SEEDS}
    assert {p.seed for p in plan} == {3, 4, 5}  # from the sidebar's seed on
    assert {p.job.spec.shared_layers for p in plan} == {5, 0}
    for p in plan:  # only relatedness, seed and model change; the learning rate is the sidebar's
        assert p.job.data == replace(sweep.SWEEP_DATA, relatedness=p.relatedness, seed=p.seed)
        assert p.job.config == TrainConfig(
            epochs=sweep.SWEEP_EPOCHS,
            learning_rate=5e-4,
            batch_size=sweep.SWEEP_BATCH,
            seed=p.seed,
            track_conflict=False,
        )


def test_seeds_near_the_largest_allowed_stay_valid():
    seeds = sweep.sweep_seeds(2**31 - 1)
    assert seeds == (2**31 - 3, 2**31 - 2, 2**31 - 1)
    for seed in seeds:
        TrainConfig(seed=seed).validate()


def _table(best: dict[str, list[list[float]]], epochs_run=None):
    """A sweep table whose run at (relatedness i, seed j) of configuration `label` has best
    validation loss best[label][i][j]; its last epoch is 0.5 worse (best != final)."""
    plan = sweep.sweep_plan(SIZES, TrainConfig(), VALUES, SEEDS, epochs=3)
    where = {label: i for i, label in enumerate(sweep.SWEEP_LABELS)}
    histories = []
    for p in plan:
        value = best[p.configuration.label][VALUES.index(p.relatedness)][SEEDS.index(p.seed)]
        histories.append(history_of([9.0, value, value + 0.5]))
    for index in epochs_run or ():  # runs that stopped early: one epoch only
        histories[index] = history_of([9.0])
    assert list(where) == list(sweep.SWEEP_LABELS)
    return sweep.sweep_table(plan, histories)


SHARED, NONE = sweep.SWEEP_LABELS
CASE = {  # per relatedness 0, 0.5, 1: one value per seed 0, 1, 2
    SHARED: [[2.0, 2.2, 2.4], [1.0, 1.2, 1.5], [0.9, 0.95, 0.98]],
    NONE: [[1.8, 2.1, 2.0], [1.3, 1.4, 1.45], [1.0, 1.0, 1.0]],
}


def test_summary_gives_each_points_mean_and_spread_over_seeds_of_the_best_epoch():
    table = _table(CASE)
    assert len(table) == 18 and list(table["Final val loss"][:2]) == [2.5, 2.3]
    summary = sweep.sweep_summary(table).set_index("Relatedness")
    assert list(summary["Seeds"]) == [3, 3, 3]
    at_0 = summary.loc[0.0]
    assert at_0[SHARED] == pytest.approx(2.2) and at_0[NONE] == pytest.approx(5.9 / 3)
    assert (at_0[f"{SHARED} min"], at_0[f"{SHARED} max"]) == (2.0, 2.4)
    assert (at_0[f"{NONE} min"], at_0[f"{NONE} max"]) == (1.8, 2.1)
    # The gap is paired by seed (0.2, 0.1, 0.4), not the difference of the two ranges' ends.
    assert at_0[sweep.GAP] == pytest.approx(0.7 / 3)
    assert at_0[f"{sweep.GAP} min"] == pytest.approx(0.1)
    assert at_0[f"{sweep.GAP} max"] == pytest.approx(0.4)
    assert list(summary["Verdict"]) == [sweep.LOSS, sweep.WITHIN, sweep.WIN]


def test_a_run_that_did_not_finish_drops_its_seed_from_that_point():
    summary = sweep.sweep_summary(_table(CASE, epochs_run=[1])).set_index("Relatedness")
    assert list(summary["Seeds"]) == [2, 3, 3]  # seed 0's "nothing shared" at r = 0 stopped
    assert summary.loc[0.0, SHARED] == pytest.approx(2.3)
    alone = sweep.sweep_summary(_table(CASE, epochs_run=[1, 3])).set_index("Relatedness")
    assert alone.loc[0.0, "Verdict"] == sweep.TOO_FEW  # one seed has no spread
    assert "at relatedness 0 too few seeds finished to tell" in sweep.sweep_reading(
        alone.reset_index()
    )


def test_reading_claims_a_win_or_loss_only_beyond_the_spread():
    reading = sweep.sweep_reading(sweep.sweep_summary(_table(CASE)))
    # At 0.5 the mean gap (−0.150) is large, but one seed went the other way: no claim there.
    assert reading == (
        "Over 3 seeds (mean best validation loss), sharing every layer lost at relatedness 0 "
        "(+0.233; seeds +0.100 to +0.400), and won at relatedness 1 (−0.057; seeds −0.100 to "
        "−0.020); at relatedness 0.5 (−0.150; seeds −0.300 to +0.050) the gap is within the "
        "spread across seeds; the mean gap goes from +0.233 at 0 to −0.057 at 1."
    )
    clear = dict(CASE, **{NONE: [[1.8, 2.1, 2.0], [0.9, 1.1, 1.4], [1.0, 1.0, 1.0]]})
    both = sweep.sweep_reading(sweep.sweep_summary(_table(clear)))
    assert "lost at relatedness 0 (+0.233; seeds +0.100 to +0.400) and 0.5 (+0.100;" in both
    assert "within" not in both


def test_reading_claims_nothing_when_every_gap_straddles_zero():
    mixed = {SHARED: [[1.0, 2.0, 1.5]] * 3, NONE: [[1.1, 1.9, 1.5]] * 3}
    reading = sweep.sweep_reading(sweep.sweep_summary(_table(mixed)))
    assert "neither clearly won nor clearly lost" in reading
    assert " won at" not in reading and " lost at" not in reading


def test_verdict_needs_every_seed_on_one_side_of_zero():
    assert sweep.verdict(3, -0.3, -0.01) == sweep.WIN
    assert sweep.verdict(3, 0.01, 0.3) == sweep.LOSS
    assert sweep.verdict(3, -0.3, 0.0) == sweep.WITHIN
    assert sweep.verdict(1, -0.3, -0.3) == sweep.TOO_FEW


def test_sweep_chart_draws_each_mean_with_its_min_max_and_the_gap_against_zero():
    summary = sweep.sweep_summary(_table(CASE))
    fig = sweep_figure(summary, sweep.SWEEP_LABELS, ["#0072B2", "#E69F00"])
    shared, none, gap = fig.data
    assert list(shared.y) == pytest.approx(list(summary[SHARED]))
    means = np.array([2.2, 3.7 / 3, 2.83 / 3])  # model 1 at 0, 0.5, 1
    assert list(shared.error_y.array) == pytest.approx(list(np.array([2.4, 1.5, 0.98]) - means))
    assert list(shared.error_y.arrayminus) == pytest.approx(list(means - [2.0, 1.0, 0.9]))
    assert list(gap.y) == pytest.approx(list(summary[sweep.GAP]))
    assert gap.yaxis == "y2" and none.yaxis == "y"
    assert [s["y0"] for s in fig.layout.shapes] == [0]  # the zero line under the gaps


@pytest.mark.slow
def test_the_sweep_shows_the_lesson_on_seeds_0_1_2():
    """The real sweep, trained here: sharing loses on unrelated tasks and wins on related
    ones, beyond the spread (benchmarks/sweep_truth.py runs more seed sets)."""
    plan = sweep.sweep_plan(SIZES, TrainConfig(), (0.0, 1.0), SEEDS)
    histories = [train(p.job.spec, p.job.data.materialise(p.job.spec), p.job.config) for p in plan]
    table = sweep.sweep_table(plan, [h.history for h in histories])
    summary = sweep.sweep_summary(table).set_index("Relatedness")
    assert list(summary["Verdict"]) == [sweep.LOSS, sweep.WIN], summary.to_string()
    assert np.isfinite(table[sweep.BEST]).all()
