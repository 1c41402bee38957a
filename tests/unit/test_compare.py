"""Compare's pure logic: configurations on the sidebar's sizes, jobs and the results table."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from models.analysis.palette import DARK_YELLOW, OKABE_ITO
from models.analysis.records import Totals
from models.data.toy_data import DataSpec
from models.experiments import configurations as cf
from models.experiments import results
from models.experiments.configurations import Configuration
from models.spec import ModelSpec, SpecError
from models.training.engine import TrainConfig
from models.workers.jobs import WARM_SPECS
from support.histories import history_of

SIZES = ModelSpec()


def _totals(total: int, shared: int) -> Totals:
    return Totals(total, total, total, shared, 0, total - shared)


# --- configurations ---------------------------------------------------------------------------


def test_configuration_clips_k_to_the_sizes_and_names_itself():
    config = cf.configuration("hard", 99, SIZES)
    assert config.spec == SIZES.replace(variant="hard", shared_layers=5)
    assert config.label == "hard, k = 5"
    small = SIZES.replace(conv_filters=(4,), dense_units=(8,))
    assert cf.configuration("towers", 3, small, "T").spec.shared_layers == 1


def test_configuration_rejects_unknown_or_impossible_variants():
    with pytest.raises(SpecError, match="Unknown variant"):
        cf.configuration("nope", 1, SIZES)
    with pytest.raises(SpecError, match="conv layer"):
        cf.configuration("towers", 1, SIZES.replace(conv_filters=()))


def test_defaults_are_model_1_nothing_shared_and_model_2():
    specs = [c.spec for c in cf.default_configurations(SIZES)]
    assert specs == [
        SIZES.replace(variant="hard", shared_layers=5),
        SIZES.replace(variant="hard", shared_layers=0),
        SIZES.replace(variant="towers", shared_layers=1),
    ]
    no_conv = SIZES.replace(conv_filters=())
    assert [c.spec.variant for c in cf.default_configurations(no_conv)] == [
        "hard",
        "hard",
    ]


def test_every_worker_starts_with_the_default_comparison_compiled():
    # The question's two models among them: a first click on Train never waits for a compile.
    assert WARM_SPECS == tuple(c.spec for c in cf.default_configurations(ModelSpec()))


def test_resize_follows_the_sizes_and_drops_duplicates_and_invalid_ones():
    configs = cf.default_configurations(SIZES) + [
        Configuration("towers 3", SIZES.replace(variant="towers", shared_layers=3))
    ]
    smaller = SIZES.replace(conv_filters=(4,), dense_units=(16,))
    kept, messages = cf.resize(configs, smaller)
    # towers k=1 and towers k=3 both become towers k=1 on a single conv layer: one is kept
    assert [(c.spec.variant, c.spec.shared_layers) for c in kept] == [
        ("hard", 2),
        ("hard", 0),
        ("towers", 1),
    ]
    assert all(c.spec.conv_filters == (4,) for c in kept) and not messages
    kept, messages = cf.resize(configs, SIZES.replace(conv_filters=()))
    assert [c.spec.variant for c in kept] == ["hard", "hard"]
    assert len(messages) == 2 and "Question: model 2 left out" in messages[0]


def test_add_refuses_duplicates_and_more_than_the_cap():
    configs = cf.default_configurations(SIZES)
    same, message = cf.add(configs, cf.configuration("hard", 0, SIZES))
    assert same == configs and "already" in message
    for k in range(1, 5):
        configs, message = cf.add(configs, cf.configuration("hard", k, SIZES))
    assert len(configs) == cf.MAX_CONFIGURATIONS
    assert message and "At most 6" in message  # the 4th addition: 3 defaults + 3 fit
    assert [c.spec.shared_layers for c in configs[3:]] == [1, 2, 3]


def test_colours_stay_with_their_configuration_and_avoid_yellow():
    specs = [SIZES.replace(shared_layers=k) for k in range(6)]
    first = cf.colours_for(specs, {})
    assert len(set(first.values())) == 6 and not {"#F0E442", DARK_YELLOW} & set(first.values())
    assert set(first.values()) <= set(OKABE_ITO)
    kept = cf.colours_for(specs[:2] + specs[3:], first)  # remove k = 2
    assert all(kept[s] == first[s] for s in kept)
    again = cf.colours_for(specs[:2] + specs[3:] + [SIZES.replace(variant="towers")], kept)
    assert again[SIZES.replace(variant="towers")] == first[specs[2]]  # the freed colour


def test_jobs_share_the_data_and_the_training_settings_but_measure_no_conflict():
    data, config = DataSpec(seed=4, relatedness=0.3), TrainConfig(epochs=7, seed=4)
    assert config.track_conflict  # the default: the Train tab draws it, a comparison does not
    jobs = cf.build_jobs(cf.default_configurations(SIZES), data, config)
    assert [j.spec.shared_layers for j in jobs] == [5, 0, 1]
    untracked = TrainConfig(epochs=7, seed=4, track_conflict=False)
    assert {j.data for j in jobs} == {data} and {j.config for j in jobs} == {untracked}


# --- results ----------------------------------------------------------------------------------


def test_results_table_reports_final_and_best_losses_per_configuration():
    a = Configuration("A", SIZES.replace(n_features=2))
    b = Configuration("B", SIZES.replace(n_features=2, shared_layers=0))
    records = [
        results.RunRecord(a, _totals(100, 60), history_of([3.0, 1.0, 2.0]), "finished", 1.5),
        results.RunRecord(b, _totals(300, 0), history_of([]), "Stopped before it started.", None),
    ]
    table = results.results_table(records, n_tasks=2)
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


def test_results_table_sets_what_sharing_costs_beyond_parameters_beside_the_counts():
    from models.architectures.presets import MODEL_1, MODEL_2
    from models.inspect import explained_analysis

    records = []
    for label, preset in (("model 1", MODEL_1), ("model 2", MODEL_2)):
        spec = preset.on(ModelSpec())
        analysis = explained_analysis(spec)
        cost = analysis.extra["cost"]
        config = Configuration(label, spec)
        records.append(
            results.RunRecord(config, analysis.totals, history_of([1.0]), "finished", 1.0, cost, 8)
        )
    table = results.results_table(records, n_tasks=2).set_index("Configuration")
    for record in records:
        row, cost = table.loc[record.configuration.label], record.cost
        assert row["Forward FLOPs per window"] == cost.forward_flops
        assert row["Activations kept (MB)"] == cost.kept_values * 8 * 4 / 2**20
        assert row["Adam state (MB)"] == 2 * row["Total parameters"] * 4 / 2**20
    # Model 1 has fewer parameters than model 2 (its trunk serves every task)...
    assert table.loc["model 1", "Total parameters"] < table.loc["model 2", "Total parameters"]
    assert list(results.MAIN_COLUMNS[3:5]) == ["Forward FLOPs per window", "Activations kept (MB)"]
    # A run whose cost is not known leaves the cells empty, not zero.
    unknown = results.results_table([dataclasses.replace(records[0], cost=None)], 2)
    assert unknown[["Forward FLOPs per window", *results.MB_COLUMNS]].isna().all(axis=None)
