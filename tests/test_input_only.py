"""Series that are inputs only: fewer tasks than features, from the data to a trained run."""

import numpy as np
import pytest

from models.spec import ModelSpec
from models.training.engine import TrainConfig, train
from models.training.toy_data import DataSpec

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
    losses = {"epoch", "train_total", "val_total", "train_task1", "train_task2", "val_task1"}
    conflict = [c for c in result.history.columns if c not in losses | {"val_task2"}]
    # The mean cosine and the one task pair's; cross-stitch ties no weight across tasks.
    assert len(conflict) == (0 if variant == "cross_stitch" else 2)
    per_task = ((result.val_predictions - data.y_val) ** 2).mean(axis=(0, 2))
    np.testing.assert_allclose(
        result.history[["val_task1", "val_task2"]].iloc[-1], per_task, rtol=1e-4
    )
