"""Series that are inputs only: fewer tasks than features, from the data to a trained run."""

import numpy as np
import pytest

from models.data.toy_data import DataSpec
from models.spec import ModelSpec
from models.training.engine import TrainConfig, train

# Trains: left out of the quick loop.
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("variant", ["hard", "towers", "cross_stitch", "mmoe"])
def test_input_only_series_train_with_a_loss_per_task(variant):
    """Forecast 2 of 5 series: two task losses, one task pair's cosine, 5-channel inputs."""
    spec = ModelSpec(variant=variant, n_features=5, extra_inputs=3, shared_layers=1)
    data = DataSpec(samples=16, val_samples=6).materialise(spec)
    result = train(spec, data, TrainConfig(epochs=4))
    assert result.status == "finished"
    assert [c for c in result.history.columns if c.startswith("val_task")] == [
        "val_task1",
        "val_task2",
    ]
    assert result.val_predictions.shape == (6, 2, spec.horizon)
    cosines = [c for c in result.history.columns if c.startswith("gcos_")]
    affinity = [c for c in result.history.columns if c.startswith("aff_")]
    # The mean cosine and the one task pair's, and a 2 x 2 affinity (tasks, not features);
    # cross-stitch ties no weight across tasks.
    measured = variant != "cross_stitch"
    assert (len(cosines), len(affinity)) == ((2, 4) if measured else (0, 0))
    per_task = ((result.val_predictions - data.y_val) ** 2).mean(axis=(0, 2))
    np.testing.assert_allclose(
        result.history[["val_task1", "val_task2"]].iloc[-1], per_task, rtol=1e-4
    )
