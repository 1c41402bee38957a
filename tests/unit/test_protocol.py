"""The run's files between a worker and the server (`models.workers.protocol`): what the
worker writes the server reads back, a line at a time, whatever moment it looks."""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.workers import protocol
from models.workers.protocol import END_LINE, ProgressReader, ProgressWriter


def _history(epochs: int) -> pd.DataFrame:
    epoch = np.arange(1, epochs + 1, dtype=float)
    return pd.DataFrame({"epoch": epoch, "val_total": 1 / epoch, "cos_0_1": np.nan})


def test_every_epoch_written_is_read_back_once_in_order(tmp_path):
    path = tmp_path / "progress.csv"
    reader = ProgressReader(path)
    assert len(reader.rows()) == 0  # not there yet
    with ProgressWriter(str(path)) as out:
        out.write(3, _history(3))
        assert reader.rows()[:, 0].tolist() == [1, 2, 3]
        out.write(7, _history(7))
        out.end()
    rows = reader.rows()
    assert reader.columns == ["epoch", "val_total", "cos_0_1"]
    np.testing.assert_allclose(rows[:, :2], _history(7).to_numpy()[:, :2])
    assert np.isnan(rows[:, 2]).all()  # "nan" in the file: not measured that epoch
    assert path.read_text().splitlines()[-1] == END_LINE
    assert len(reader.rows()) == 7  # nothing new: nothing read twice


def test_a_line_still_being_written_waits_for_its_end(tmp_path):
    path = tmp_path / "progress.csv"
    assert protocol.complete_lines(path) == ""  # not there yet
    path.write_text("epoch,val_total\n1,0.5\n2,0.2")  # the worker is mid-line
    assert protocol.complete_lines(path) == "epoch,val_total\n1,0.5\n"
    reader = ProgressReader(path)
    assert reader.rows().tolist() == [[1, 0.5]]
    with open(path, "a") as out:
        out.write("5\n3,0.1\n")
    assert reader.rows().tolist() == [[1, 0.5], [2, 0.25], [3, 0.1]]


def test_the_markers_say_when_a_run_started_and_that_it_should_stop(tmp_path):
    assert protocol.started_at(tmp_path) is None and protocol.worker_pid(tmp_path) is None
    protocol.mark_started(tmp_path)
    assert protocol.started_at(tmp_path) is not None and protocol.worker_pid(tmp_path) > 0
    assert not protocol.stop_asked(tmp_path)
    protocol.ask_stop(tmp_path)
    assert protocol.stop_asked(tmp_path)
    assert protocol.model_bytes(tmp_path) is None and protocol.model_error(tmp_path) is None
    protocol.write_model_error(tmp_path, "the disk is full")
    assert protocol.model_error(tmp_path) == "the disk is full"
