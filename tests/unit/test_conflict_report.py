"""Reading a run's conflict: the per-layer table, the suggested k and task affinity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.analysis.palette import CONFLICT_SCALE, conflict_fill
from models.spec import ModelSpec
from models.training import conflict_report as report
from models.training import history as losses

LAYERS = ["conv1", "conv2", "conv3", "dense1", "dense2"]
MODEL_1 = ModelSpec()


def _history(cosines: dict[str, list[float]], n_tasks: int = 2, every: int = 1) -> pd.DataFrame:
    """A history whose per-layer cosines are `cosines` on every `every`-th epoch."""
    epochs = len(next(iter(cosines.values()))) * every
    measured = np.arange(epochs) % every == 0
    rows = {losses.EPOCH: np.arange(1, epochs + 1)}
    rows[losses.CONFLICT_MEAN] = np.where(measured, 0.1, np.nan)
    for name, values in cosines.items():
        column = np.full(epochs, np.nan)
        column[measured] = values
        rows[losses.layer_cosine(name)] = column
        rows[losses.layer_phi(name)] = np.where(measured, 0.8, np.nan)
    for i in range(n_tasks):
        for j in range(n_tasks):
            rows[losses.affinity(i, j)] = np.where(measured, 0.01 * (i + 1) - 0.004 * j, np.nan)
    return pd.DataFrame(rows)


def _table(history):
    return report.layer_table(history, {name: 10 for name in LAYERS})


def test_the_table_counts_only_measured_epochs():
    history = _history({"conv1": [0.5, -0.5, 0.5, 0.5]}, every=3)
    table = _table(history)
    assert len(report.measured(history)) == 4
    row = table.iloc[0]
    assert (row["Layer"], row["Parameters"]) == ("conv1", 10)
    assert row["Mean cosine"] == pytest.approx(0.25) and row["Epochs below 0"] == 0.25
    assert row["Φ (magnitude similarity)"] == pytest.approx(0.8)


def test_a_conflicting_layer_moves_k_to_just_before_it():
    agree, fight = [0.4] * 20, [-0.3] * 17 + [0.1] * 3
    history = _history(
        {"conv1": agree, "conv2": agree, "conv3": fight, "dense1": fight, "dense2": agree}
    )
    suggestion = report.suggest(MODEL_1, _table(history), 20)
    assert suggestion.spec == MODEL_1.replace(shared_layers=2)
    assert suggestion.text.startswith("conv3 and dense1 are where the tasks conflict most")
    assert "cosine < 0 in 85% of 20 measured epochs" in suggestion.text
    assert "sharing only conv1–conv2 (k = 2)" in suggestion.text


def test_conflict_in_the_first_layer_suggests_sharing_nothing():
    history = _history({name: [-0.2] * 30 for name in LAYERS})
    suggestion = report.suggest(MODEL_1, _table(history), 30)
    assert suggestion.spec.shared_layers == 0 and "sharing nothing (k = 0)" in suggestion.text


def test_a_coin_flip_of_signs_is_not_conflict():
    # Below 0 in 55 % of 40 epochs: within chance (50 % + 1/sqrt(40) = 66 %).
    signs = [-0.1] * 22 + [0.1] * 18
    suggestion = report.suggest(MODEL_1, _table(_history({"conv1": signs})), 40)
    assert suggestion.spec is None
    assert "No shared layer conflicts more often than chance" in suggestion.text


def test_too_few_measurements_say_so():
    suggestion = report.suggest(MODEL_1, _table(_history({"conv1": [-0.5] * 4})), 4)
    assert (
        suggestion.spec is None
        and "too weak" in suggestion.text
        and "only 4 epochs" in suggestion.text
    )


def test_other_variants_name_the_layers_but_suggest_no_k():
    towers = ModelSpec(variant="towers", shared_layers=1)
    history = _history({"conv1": [-0.4] * 20, "dense1": [0.3] * 20})
    suggestion = report.suggest(towers, report.layer_table(history, {}), 20)
    assert suggestion.spec is None and suggestion.text.startswith("conv1 is where")


def test_affinity_matrix_and_reading():
    history = _history({"conv1": [0.2] * 10}, n_tasks=3)
    matrix = report.affinity_matrix(history, 3)
    assert matrix.shape == (3, 3) and matrix[2, 0] == pytest.approx(0.03)
    reading = report.affinity_reading(matrix)
    assert reading.startswith("Task 3's step helps task 1 most (Z = 0.03")
    hurting = np.array([[0.1, -0.02], [0.01, 0.1]])
    assert "Task 1's step hurts task 2 (Z = -0.02)" in report.affinity_reading(hurting)
    assert report.affinity_matrix(pd.DataFrame({losses.EPOCH: [1]}), 2) is None


def test_the_conflict_scale_runs_orange_white_purple():
    assert conflict_fill(-0.5) == CONFLICT_SCALE[0] and conflict_fill(0.5) == CONFLICT_SCALE[-1]
    assert conflict_fill(0) == "#F7F7F7" and conflict_fill(-5) == CONFLICT_SCALE[0]
    assert conflict_fill(0.25) != conflict_fill(0.2) != conflict_fill(-0.2)


def test_the_plain_reading_says_in_one_sentence_whether_the_tasks_agree_and_a_layer_fights():
    import pandas as pd

    from models.training import history as losses

    n = 20
    history = pd.DataFrame(
        {
            losses.EPOCH: range(1, n + 1),
            losses.CONFLICT_MEAN: [0.4] * 18 + [-0.1] * 2,
            losses.layer_cosine("conv1"): [0.5] * n,
            losses.layer_cosine("dense1"): [-0.2] * n,
            losses.layer_phi("conv1"): [0.9] * n,
            losses.layer_phi("dense1"): [0.9] * n,
        }
    )
    table = report.layer_table(history, {"conv1": 104, "dense1": 25_800})
    said = report.plain_reading(history, table, ("visitors", "sales"))
    assert said.startswith("visitors and sales pulled the shared weights the same way in most")
    assert "(18 of 20 measured)" in said and "dense1 fights" in said
    calm = report.plain_reading(history.drop(columns=[losses.layer_cosine("dense1")]), table[:1])
    assert calm.startswith("The tasks pulled") and calm.endswith("no layer fights.")
