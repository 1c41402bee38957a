"""How a run in a worker and the server talk: the files of the run's folder, written and read
only here.

    started        the worker's pid, written as it takes the run (its time: when it started)
    stop           made by the server: the worker ends the run after its current chunk
    <progress>     the losses: a line of column names, then one CSV line per epoch, then
                   END_LINE however training ended (in the run's folder, or where the browser
                   fetches it: `components/live/feed.js` reads the same lines)
    model.keras    the trained model, once a run finished or stopped; model-error.txt instead
                   says why there is none

The result itself (the whole history, the weights, the forecasts) comes back with the task's
future; a run whose worker died still has every epoch it reached in its progress file.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

END_LINE = "end"
MODEL_FILE = "model.keras"
MODEL_ERROR_FILE = "model-error.txt"
STARTED_FILE = "started"
STOP_FILE = "stop"


# --- the worker's side --------------------------------------------------------------------


def mark_started(folder: Path) -> None:
    (folder / STARTED_FILE).write_text(str(os.getpid()))


def stop_asked(folder: Path) -> bool:
    return (folder / STOP_FILE).exists()


class ProgressWriter:
    """The run's losses, one CSV line per epoch. A full disk stops the file, not the run: the
    whole history still comes back with the result."""

    def __init__(self, path: str):
        self.path, self.written, self.file, self.out = path, 0, None, None

    def __enter__(self) -> ProgressWriter:
        self.file = self.out = open(self.path, "a", encoding="utf-8")  # noqa: SIM115
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.file.close()
        except OSError:  # what it still buffered cannot be written either
            pass

    def write(self, done: int, history) -> None:
        """The epochs of `history` (a DataFrame of every epoch so far) not written yet."""
        header = ",".join(history.columns) + "\n" if self.written == 0 else ""
        new = history.iloc[self.written :]
        lines = "".join(",".join(f"{v:.9g}" for v in row) + "\n" for row in new.values)
        self._put(header + lines)
        self.written = done

    def end(self) -> None:
        self._put(END_LINE + "\n")

    def _put(self, text: str) -> None:
        if self.out is None:
            return
        try:
            self.out.write(text)
            self.out.flush()
        except OSError:  # no space left: the live chart stops growing, the run goes on
            self.out = None


def write_model_error(folder: Path, text: str) -> None:
    try:
        (folder / MODEL_ERROR_FILE).write_text(text, encoding="utf-8")
    except OSError:  # the disk is full: the page says the model file is missing
        pass


# --- the server's side --------------------------------------------------------------------


def started_at(folder: Path) -> float | None:
    """When the worker took the run (wall-clock seconds); None while it waits."""
    try:
        return (folder / STARTED_FILE).stat().st_mtime
    except OSError:
        return None


def worker_pid(folder: Path) -> int | None:
    """The pid of the worker that took the run (None while it waits)."""
    try:
        return int((folder / STARTED_FILE).read_text())
    except (OSError, ValueError):
        return None


def ask_stop(folder: Path) -> None:
    """Ask the worker to end the run after its current chunk (raises OSError on a full disk)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / STOP_FILE).touch()


def model_bytes(folder: Path) -> bytes | None:
    try:
        return (folder / MODEL_FILE).read_bytes()
    except OSError:
        return None


def model_error(folder: Path) -> str | None:
    try:
        return (folder / MODEL_ERROR_FILE).read_text(encoding="utf-8")
    except OSError:
        return None


def complete_lines(path: Path) -> str:
    """The progress file's complete lines so far, as its text ("" while there is none, or once
    it was cleared away): what the browser reads when the file is not served to it."""
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    return _complete(data).decode("utf-8")


def _complete(data: bytes) -> bytes:
    """Up to the last newline: a line still being written waits."""
    return data[: data.rfind(b"\n") + 1]


class ProgressReader:
    """The epochs of a progress file so far, read a piece at a time: each `rows()` reads only
    the complete lines written since the last."""

    def __init__(self, path: Path):
        self.path, self.columns = path, []
        self._offset, self._rows = 0, np.empty((0, 0))

    @property
    def epochs(self) -> int:
        """Epochs read so far (no reading)."""
        return len(self._rows)

    def rows(self) -> np.ndarray:
        """Every epoch's values so far, one row per epoch, in `columns`' order."""
        lines = self._new_lines()
        if lines and not self.columns:
            self.columns = lines.pop(0).split(",")
        new = [[float(v) for v in line.split(",")] for line in lines if line != END_LINE]
        if new:
            width = len(self.columns)
            grown = np.array(new, dtype=float).reshape(len(new), width)
            self._rows = np.concatenate([self._rows.reshape(-1, width), grown])
        return self._rows

    def _new_lines(self) -> list[str]:
        try:
            with open(self.path, "rb") as src:
                src.seek(self._offset)
                data = src.read()
        except OSError:  # not there yet, or removed with an old run's files
            return []
        complete = _complete(data)
        self._offset += len(complete)
        return complete.decode("utf-8").splitlines()
