"""The guided relatedness sweep: its plan, its tables and the sentence that reads them."""

from __future__ import annotations

import pandas as pd

from histories import history_of
from models.experiments import sweep
from models.spec import ModelSpec
from models.training.engine import TrainConfig
from models.training.toy_data import DataSpec

SIZES = ModelSpec()


def test_sweep_plan_varies_only_relatedness_and_model():
    data, config = DataSpec(seed=3, noise=0.2), TrainConfig(epochs=999, seed=3, batch_size=8)
    plan = sweep.sweep_plan(SIZES, data, config)
    assert len(plan) == 2 * len(sweep.SWEEP_RELATEDNESS)
    assert sorted({p.relatedness for p in plan}) == list(sweep.SWEEP_RELATEDNESS)
    assert {p.job.spec.shared_layers for p in plan} == {5, 0}
    assert {p.job.config for p in plan} == {
        TrainConfig(epochs=sweep.SWEEP_EPOCHS, seed=3, batch_size=8)
    }
    assert all(p.job.data == DataSpec(seed=3, noise=0.2, relatedness=p.relatedness) for p in plan)


def _sweep(finals_shared: list[float], finals_none: list[float]) -> pd.DataFrame:
    plan = sweep.sweep_plan(SIZES, DataSpec(), TrainConfig(), values=(0.0, 0.5, 1.0))
    finals = [v for pair in zip(finals_shared, finals_none, strict=True) for v in pair]
    return sweep.sweep_table(plan, [history_of([9.0, f]) for f in finals])


def test_sweep_summary_and_reading_follow_the_numbers():
    table = _sweep([3.0, 2.0, 1.0], [2.5, 2.0, 1.5])
    assert list(table["Final val loss"][:2]) == [3.0, 2.5]
    summary = sweep.sweep_summary(table)
    assert list(summary["Shared − none"]) == [0.5, 0.0, -0.5]
    reading = sweep.sweep_reading(summary)
    assert "won at relatedness 1 and lost at 0 (a tie within 2% at 0.5)" in reading
    assert "narrows" in reading
    # A 1 % gap is a tie, not a win (the real seed-0 sweep ends 0.7089 vs 0.7167).
    close = sweep.sweep_reading(sweep.sweep_summary(_sweep([3, 2, 0.7089], [2.5, 1.6, 0.7167])))
    assert close.startswith("In this run sharing never beat") and "tie within 2% at 1" in close
    never = sweep.sweep_reading(sweep.sweep_summary(_sweep([3, 3, 3], [2.5, 2, 1])))
    assert never.startswith("In this run sharing never beat") and "does not narrow" in never


# --- the process pool -------------------------------------------------------------------------
