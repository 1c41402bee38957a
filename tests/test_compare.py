"""The Compare tab: its pure logic (models/compare.py), the process pool, and the page (AppTest)."""

from __future__ import annotations

import multiprocessing
import os
import time

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from models.analysis.palette import OKABE_ITO
from models.analysis.records import Totals
from models.experiments import compare
from models.experiments.compare import Configuration
from models.spec import ModelSpec, SpecError
from models.training.engine import TrainConfig
from models.training.pool import ReplacingProcessPool
from models.training.toy_data import DataSpec
from test_app import button, run_app

TINY = {"epochs": "15", "filters": "4,8", "units": "16", "samples": "40"}
SIZES = ModelSpec()


def _history(val_totals: list[float], n_tasks: int = 2) -> pd.DataFrame:
    """A history with the training module's columns; task losses split the totals evenly."""
    val = np.array(val_totals, dtype=float)
    columns = {
        "epoch": np.arange(1, len(val) + 1),
        "train_total": val / 2,
        "val_total": val,
    }
    columns |= {f"train_task{t + 1}": val / 2 / n_tasks for t in range(n_tasks)}
    columns |= {f"val_task{t + 1}": val / n_tasks for t in range(n_tasks)}
    return pd.DataFrame(columns)


def _totals(total: int, shared: int) -> Totals:
    return Totals(total, total, total, shared, 0, total - shared)


# --- configurations ---------------------------------------------------------------------------


def test_configuration_clips_k_to_the_sizes_and_names_itself():
    config = compare.configuration("hard", 99, SIZES)
    assert config.spec == SIZES.replace(variant="hard", shared_layers=5)
    assert config.label == "hard, k = 5"
    small = SIZES.replace(conv_filters=(4,), dense_units=(8,))
    assert compare.configuration("towers", 3, small, "T").spec.shared_layers == 1


def test_configuration_rejects_unknown_or_impossible_variants():
    with pytest.raises(SpecError, match="Unknown variant"):
        compare.configuration("nope", 1, SIZES)
    with pytest.raises(SpecError, match="conv layer"):
        compare.configuration("towers", 1, SIZES.replace(conv_filters=()))


def test_defaults_are_model_1_nothing_shared_and_model_2():
    specs = [c.spec for c in compare.default_configurations(SIZES)]
    assert specs == [
        SIZES.replace(variant="hard", shared_layers=5),
        SIZES.replace(variant="hard", shared_layers=0),
        SIZES.replace(variant="towers", shared_layers=1),
    ]
    no_conv = SIZES.replace(conv_filters=())
    assert [c.spec.variant for c in compare.default_configurations(no_conv)] == ["hard", "hard"]


def test_resize_follows_the_sizes_and_drops_duplicates_and_invalid_ones():
    configs = compare.default_configurations(SIZES) + [
        Configuration("towers 3", SIZES.replace(variant="towers", shared_layers=3))
    ]
    smaller = SIZES.replace(conv_filters=(4,), dense_units=(16,))
    kept, messages = compare.resize(configs, smaller)
    # towers k=1 and towers k=3 both become towers k=1 on a single conv layer: one is kept
    assert [(c.spec.variant, c.spec.shared_layers) for c in kept] == [
        ("hard", 2),
        ("hard", 0),
        ("towers", 1),
    ]
    assert all(c.spec.conv_filters == (4,) for c in kept) and not messages
    kept, messages = compare.resize(configs, SIZES.replace(conv_filters=()))
    assert [c.spec.variant for c in kept] == ["hard", "hard"]
    assert len(messages) == 2 and "Question: model 2 left out" in messages[0]


def test_add_refuses_duplicates_and_more_than_the_cap():
    configs = compare.default_configurations(SIZES)
    same, message = compare.add(configs, compare.configuration("hard", 0, SIZES))
    assert same == configs and "already" in message
    for k in range(1, 5):
        configs, message = compare.add(configs, compare.configuration("hard", k, SIZES))
    assert len(configs) == compare.MAX_CONFIGURATIONS
    assert message and "At most 6" in message  # the 4th addition: 3 defaults + 3 fit
    assert [c.spec.shared_layers for c in configs[3:]] == [1, 2, 3]


def test_colours_stay_with_their_configuration_and_avoid_yellow():
    specs = [SIZES.replace(shared_layers=k) for k in range(6)]
    first = compare.colours_for(specs, {})
    assert len(set(first.values())) == 6 and "#F0E442" not in first.values()
    assert set(first.values()) <= set(OKABE_ITO)
    kept = compare.colours_for(specs[:2] + specs[3:], first)  # remove k = 2
    assert all(kept[s] == first[s] for s in kept)
    again = compare.colours_for(specs[:2] + specs[3:] + [SIZES.replace(variant="towers")], kept)
    assert again[SIZES.replace(variant="towers")] == first[specs[2]]  # the freed colour


def test_jobs_share_the_data_and_the_training_settings():
    data, config = DataSpec(seed=4, relatedness=0.3), TrainConfig(epochs=7, seed=4)
    jobs = compare.build_jobs(compare.default_configurations(SIZES), data, config)
    assert [j.spec.shared_layers for j in jobs] == [5, 0, 1]
    assert {j.data for j in jobs} == {data} and {j.config for j in jobs} == {config}


# --- results ----------------------------------------------------------------------------------


def test_results_table_reports_final_and_best_losses_per_configuration():
    a = Configuration("A", SIZES.replace(n_features=2))
    b = Configuration("B", SIZES.replace(n_features=2, shared_layers=0))
    records = [
        compare.RunRecord(a, _totals(100, 60), _history([3.0, 1.0, 2.0]), "finished", 1.5),
        compare.RunRecord(b, _totals(300, 0), _history([]), "Stopped before it started.", None),
    ]
    table = compare.results_table(records, n_tasks=2)
    first, second = table.iloc[0], table.iloc[1]
    assert (first["Configuration"], first["Total parameters"], first["Shared parameters"]) == (
        "A",
        100,
        60,
    )
    assert first["Final val loss"] == 2.0 and first["Final train loss"] == 1.0
    assert first["Final val task 2"] == 1.0 and first["Final train task 1"] == 0.5
    assert (first["Best val loss"], first["Best epoch"], first["Epochs"]) == (1.0, 2, 3)
    assert first["Time (s)"] == 1.5 and first["Status"] == "finished"
    assert np.isnan(second["Final val loss"]) and np.isnan(second["Time (s)"])
    assert second["Status"] == "Stopped before it started." and second["Epochs"] == 0


def test_sweep_plan_varies_only_relatedness_and_model():
    data, config = DataSpec(seed=3, noise=0.2), TrainConfig(epochs=999, seed=3, batch_size=8)
    plan = compare.sweep_plan(SIZES, data, config)
    assert len(plan) == 2 * len(compare.SWEEP_RELATEDNESS)
    assert sorted({p.relatedness for p in plan}) == list(compare.SWEEP_RELATEDNESS)
    assert {p.job.spec.shared_layers for p in plan} == {5, 0}
    assert {p.job.config for p in plan} == {
        TrainConfig(epochs=compare.SWEEP_EPOCHS, seed=3, batch_size=8)
    }
    assert all(p.job.data == DataSpec(seed=3, noise=0.2, relatedness=p.relatedness) for p in plan)


def _sweep(finals_shared: list[float], finals_none: list[float]) -> pd.DataFrame:
    plan = compare.sweep_plan(SIZES, DataSpec(), TrainConfig(), values=(0.0, 0.5, 1.0))
    finals = [v for pair in zip(finals_shared, finals_none, strict=True) for v in pair]
    return compare.sweep_table(plan, [_history([9.0, f]) for f in finals])


def test_sweep_summary_and_reading_follow_the_numbers():
    table = _sweep([3.0, 2.0, 1.0], [2.5, 2.0, 1.5])
    assert list(table["Final val loss"][:2]) == [3.0, 2.5]
    summary = compare.sweep_summary(table)
    assert list(summary["Shared − none"]) == [0.5, 0.0, -0.5]
    reading = compare.sweep_reading(summary)
    assert "won at relatedness 1 and lost at 0 (a tie within 2% at 0.5)" in reading
    assert "narrows" in reading
    # A 1 % gap is a tie, not a win (the real seed-0 sweep ends 0.7089 vs 0.7167).
    close = compare.sweep_reading(compare.sweep_summary(_sweep([3, 2, 0.7089], [2.5, 1.6, 0.7167])))
    assert close.startswith("In this run sharing never beat") and "tie within 2% at 1" in close
    never = compare.sweep_reading(compare.sweep_summary(_sweep([3, 3, 3], [2.5, 2, 1])))
    assert never.startswith("In this run sharing never beat") and "does not narrow" in never


# --- the process pool -------------------------------------------------------------------------


def test_pool_replaces_retired_workers_while_jobs_are_queued():
    # Stock 3.11 ProcessPoolExecutor hangs here (CPython gh-115634).
    context = multiprocessing.get_context("spawn")
    with ReplacingProcessPool(1, mp_context=context, max_tasks_per_child=2) as pool:
        futures = [pool.submit(os.getpid) for _ in range(5)]
        pids = [f.result(timeout=60) for f in futures]
    assert len(set(pids)) == 3  # workers served 2, 2 and 1 jobs


# --- the page ---------------------------------------------------------------------------------


def _app(query: dict[str, str]) -> AppTest:
    return run_app(query, tab="Compare")


def _results(at: AppTest) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe if "Configuration" in d.value.columns]


def _wait_for_batch(at: AppTest, seconds: float) -> None:
    """Rerun until the batch has collected every outcome (finished or stopped)."""
    deadline = time.time() + seconds
    while at.session_state["cmp_batch"]["outcomes"] is None:
        assert time.time() < deadline, "the batch did not end"
        time.sleep(0.3)
        at.run()
    at.run()


def _listed(at: AppTest) -> list[str]:
    return [m.value.split("**")[1] for m in at.markdown if m.value.startswith("<span")]


def test_compare_tab_lists_the_default_configurations():
    at = _app(TINY)
    assert not at.exception
    assert _listed(at) == ["Question: model 1", "Nothing shared", "Question: model 2"]
    assert button(at, "+ Question: model 1").disabled  # already in the comparison
    assert not button(at, "+ All conv layers shared").disabled
    assert not button(at, "Train all").disabled and button(at, "Stop all").disabled


def test_adding_stops_at_the_cap_and_removing_frees_a_place():
    at = _app(TINY)
    button(at, "+ All conv layers shared").click().run()
    at.selectbox(key="cmp_variant").set_value("hard").run()
    for k in (1, 2):
        at.number_input(key="cmp_k").set_value(k).run()
        button(at, "Add").click().run()
    assert len(_listed(at)) == 6
    assert button(at, "Add").disabled
    assert any("6 configurations is the most" in i.value for i in at.info)
    at.button(key="cmp_remove_0").click().run()
    assert "Question: model 1" not in _listed(at) and not button(at, "Add").disabled


def test_train_all_fills_the_results_table_for_this_session_only():
    at, other = _app(TINY), _app(TINY)
    button(at, "Train all").click().run()
    _wait_for_batch(at, 180)
    assert not at.exception
    (table,) = _results(at)
    assert list(table["Configuration"]) == [
        "Question: model 1",
        "Nothing shared",
        "Question: model 2",
    ]
    assert list(table["Status"]) == ["finished"] * 3
    assert (table["Total parameters"] > 0).all() and table["Final val loss"].notna().all()
    assert at.get("download_button")[0].label == "Download the results (CSV)"
    other.run()
    assert "cmp_batch" not in other.session_state and not _results(other)


def test_stop_all_ends_every_run_of_the_batch():
    at = _app(TINY | {"epochs": "5000"})
    button(at, "Train all").click().run()
    assert not button(at, "Stop all").disabled
    button(at, "Stop all").click().run()
    _wait_for_batch(at, 120)
    (table,) = _results(at)
    assert "finished" not in set(table["Status"])
    assert (table["Epochs"] < 5000).all()
