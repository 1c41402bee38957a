"""Made-up loss histories with the training engine's own columns, for tests of tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.training import history as losses


def history_of(val_totals: list[float], n_tasks: int = 2) -> pd.DataFrame:
    """A history whose validation totals are `val_totals` (train: half of them), split evenly
    over the tasks."""
    val = np.array(val_totals, dtype=float)
    rows = (
        np.column_stack(
            [np.tile(val[:, None] / 2 / n_tasks, n_tasks), np.tile(val[:, None] / n_tasks, n_tasks)]
        )
        if len(val)
        else np.empty((0, 2 * n_tasks))
    )
    return losses.frame(rows, n_tasks)
