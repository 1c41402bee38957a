"""Which tasks should share: the affinity's score and prediction, the proposed tree, the
oracle's runs and its ranking over seeds, and toy data with families of series."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from models.architectures.groups import partitions
from models.data.toy_data import DataSpec, family_of, make_dataset
from models.experiments import grouping
from models.experiments.affinity_groups import (
    predicted,
    propose,
    ranked_by_affinity,
    tag_score,
)
from models.experiments.configurations import Configuration
from models.spec import ModelSpec
from models.training import history as losses
from models.training.engine import TrainConfig

# Tasks 1 and 2 help each other, so do 3 and 4; between the pairs a step does little or hurts.
TWO_PAIRS = np.array(
    [
        [0.0, 0.03, 0.0, -0.01],
        [0.03, 0.0, 0.001, 0.0],
        [0.0, 0.0, 0.0, 0.02],
        [-0.01, 0.0, 0.02, 0.0],
    ]
)


def test_tag_score_is_the_help_each_task_gets_from_its_group_mates_computed_directly():
    rng = np.random.default_rng(3)
    z = rng.normal(size=(4, 4))
    for groups in partitions(4):
        received = []
        for j in range(4):
            group = next(g for g in groups if j in g)
            mates = [i for i in group if i != j]
            received.append(sum(z[i, j] for i in mates) / len(mates) if mates else 0.0)
        assert tag_score(groups, z) == pytest.approx(sum(received) / 4)


def test_the_affinity_predicts_its_pairs_and_ties_go_to_fewer_groups():
    assert predicted(TWO_PAIRS) == ((0, 1), (2, 3))
    assert predicted(np.full((4, 4), 0.02)) == ((0, 1, 2, 3),)  # all help alike: one trunk
    assert predicted(np.full((4, 4), -0.01)) == ((0,), (1,), (2,), (3,))  # all hurt: apart
    ranked = ranked_by_affinity(TWO_PAIRS)
    assert len(ranked) == 15 and ranked[0][1] == pytest.approx(0.025)


def test_a_proposal_keeps_the_suggested_trunk_or_gives_each_group_its_network():
    tree = propose(ModelSpec(), TWO_PAIRS)
    assert (tree.spec.variant, tree.spec.shared_layers, tree.spec.task_groups) == (
        "branched",
        0,
        (1, 1, 2, 2),
    )
    assert "Within {1, 2} and {3, 4} the tasks' steps help each other" in tree.sentence
    assert "each group its own network" in tree.sentence
    kept = propose(ModelSpec(variant="branched", shared_layers=2), TWO_PAIRS)
    assert kept.spec.shared_layers == 2 and "conv1–conv2 shared by every task" in kept.sentence
    assert propose(ModelSpec(), TWO_PAIRS, suggested_k=1).spec.shared_layers == 1
    # Every task alone is hard sharing: proposed as the very spec "nothing shared" trains, so
    # the test beside it does not train one model twice under two names.
    apart = propose(ModelSpec(), np.full((4, 4), -0.01))
    assert apart.spec == ModelSpec(variant="hard", shared_layers=0)


def test_the_oracle_trains_every_grouping_on_each_seed_and_tracks_one_run():
    sizes = ModelSpec()
    groupings, how = grouping.oracle_groupings(4, None)
    assert len(groupings) == 15 and how == "all 15 groupings of the 4 tasks"
    configs = grouping.oracle_configurations(sizes, groupings)
    assert {c.spec.variant for c, _ in configs} == {"branched"}
    assert {c.spec.shared_layers for c, _ in configs} == {0}
    probe = grouping.one_trunk(configs)
    runs = grouping.grouping_runs(configs, DataSpec(samples=1000), TrainConfig(seed=7), probe)
    assert len(runs) == 45 and sorted({r.seed for r in runs}) == [7, 8, 9]
    tracked = [r for r in runs if r.job.config.track_conflict]
    assert len(tracked) == 1 and tracked[0].job.spec == probe and tracked[0].seed == 7
    assert {r.job.data.samples for r in runs} == {grouping.GROUPING_WINDOWS}
    assert all(r.job.data.seed == r.seed == r.job.config.seed for r in runs)
    assert {r.job.config.epochs for r in runs} == {grouping.GROUPING_EPOCHS}


def test_more_tasks_than_the_host_trains_need_an_affinity_to_choose_candidates():
    groupings, how = grouping.oracle_groupings(5, None)
    assert groupings == [] and "52 groupings" in how and "train once on the Train tab" in how
    z = np.random.default_rng(0).normal(size=(5, 5))
    chosen, how = grouping.oracle_groupings(5, z)
    assert len(chosen) == grouping.MAX_GROUPINGS == len(set(chosen))
    assert ((0, 1, 2, 3, 4),) in chosen and ((0,), (1,), (2,), (3,), (4,)) in chosen


def _history(best: float, epochs: int = grouping.GROUPING_EPOCHS) -> pd.DataFrame:
    values = np.linspace(best + 1.0, best, epochs)
    return pd.DataFrame({losses.EPOCH: range(1, epochs + 1), losses.total("val"): values})


def _runs(labels, seeds, epochs=grouping.GROUPING_EPOCHS):
    config = TrainConfig(epochs=epochs)
    return [
        grouping.GroupingRun(Configuration(label, ModelSpec()), (), seed, _job(config))
        for seed, label in itertools.product(seeds, labels)
    ]


def _job(config):
    from models.workers.jobs import TrainJob

    return TrainJob(ModelSpec(), DataSpec(), config)


def test_the_ranking_calls_a_grouping_behind_only_where_every_seed_agrees():
    runs = _runs(["a", "b", "c"], [0, 1, 2])
    best = {  # per seed: b always behind a; c behind on two seeds, ahead on one
        0: {"a": 0.50, "b": 0.60, "c": 0.55},
        1: {"a": 0.52, "b": 0.58, "c": 0.49},
        2: {"a": 0.51, "b": 0.61, "c": 0.56},
    }
    histories = [_history(best[r.seed][r.configuration.label]) for r in runs]
    table = grouping.ranking(runs, histories).set_index("Configuration")
    assert list(table.index) == ["a", "c", "b"]
    assert table.loc["a", "Mean"] == pytest.approx(0.51)
    assert (table.loc["c", "Min"], table.loc["c", "Max"]) == pytest.approx((0.49, 0.56))
    assert table.loc["a", "Against the best"] == "best"
    assert table.loc["c", "Against the best"] == "within the spread"
    assert table.loc["b", "Against the best"] == "behind on every seed"
    reading = grouping.oracle_reading(table.reset_index(), "c")
    assert reading.startswith("Best over 3 seeds: a (mean best validation loss 0.510")
    assert "1 other is within its spread" in reading and "1 behind it on every seed" in reading
    assert "predicted c: rank 2 of 3, within the spread" in reading


def test_a_run_that_stopped_early_is_no_point_in_the_ranking():
    runs = _runs(["a", "b"], [0, 1])
    histories = [_history(0.5), _history(0.4, epochs=3), _history(0.5), _history(0.6)]
    table = grouping.ranking(runs, histories).set_index("Configuration")
    assert table.loc["b", "Seeds"] == 1 and table.loc["b", "Against the best"] == "too few seeds"


def test_families_give_each_block_of_series_its_own_common_signal():
    assert [family_of(f, 4, 2) for f in range(4)] == [0, 0, 1, 1]
    assert [family_of(f, 5, 2) for f in range(5)] == [0, 0, 0, 1, 1]
    data = make_dataset(DataSpec(relatedness=1.0, families=2, noise=0.1), 4, 10, 10)
    corr = np.corrcoef(data.x_train[:, 0, :].T)
    assert corr[0, 1] > 0.9 and corr[2, 3] > 0.9 and abs(corr[0, 2]) < 0.2
    # One family is the data the app made before families existed (its first window's first
    # steps, recorded from that version): every earlier link's runs stay the same.
    one = make_dataset(DataSpec(relatedness=0.5, families=1), 4, 10, 10)
    np.testing.assert_allclose(
        one.x_train[0, :2, :],
        [[-0.133295, 0.00299, 1.137478, 0.507605], [0.764886, 0.900542, 2.477892, 2.002563]],
        atol=1e-5,
    )


def test_many_tasks_are_grouped_along_a_greedy_path_never_by_listing_every_grouping():
    from models.architectures.groups import bell

    assert [bell(n) for n in range(7)] == [1, 1, 2, 5, 15, 52, 203]
    assert bell(16) == 10_480_142_147  # why 16 tasks are never listed
    rng = np.random.default_rng(0)
    blocks = np.kron(np.eye(4), np.ones((4, 4))) * 0.05  # four families of four tasks
    z = blocks + rng.normal(scale=0.01, size=(16, 16))
    assert predicted(z) == tuple(tuple(range(b, b + 4)) for b in (0, 4, 8, 12))
    ranked = ranked_by_affinity(z)
    assert len(ranked) == 16  # the path: every task alone, then one merge at a time
    chosen, how = grouping.oracle_groupings(16, z)
    assert len(chosen) == grouping.MAX_GROUPINGS and "10,480,142,147 groupings" in how
