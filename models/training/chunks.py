"""Calling a run's compiled chunk of epochs until the run is done, stopped or diverged, each
chunk sized to about CHUNK_SECONDS from the last one's time."""

from __future__ import annotations

import time

import numpy as np

from models.training import history

# Per call of the compiled chunk: Stop lands within ~0.1 s, and the page's browser, which reads
# progress every 150 ms, still sees new epochs at every read. Each call and its progress report
# cost ~3 ms: with a worker's reports, 0.04 s chunks made model 2's 60 epochs 17 % slower than
# one call for all of them, 0.1 s ones 5 %.
CHUNK_SECONDS = 0.1
MAX_CHUNK_EPOCHS = 100


def run_chunks(
    entry, arrays, settings, epochs, chunk_epochs, on_progress, should_stop, method="sum"
):
    """Call the compiled chunk (its steps combine the tasks' gradients by `method`) until done,
    stopped or diverged; returns (rows, status)."""
    chunk = entry.run_chunk(method)
    rows, losses = None, 2 * entry.spec.n_tasks  # rows are sized by the first chunk's width
    seed, *rest = settings  # then batch_size, eval_batch, every, last_epoch
    track = int(rest[2]) > 0  # untracked cosines are all NaN: their columns are left out
    done, size = 0, chunk_epochs or 1  # adaptive sizing starts small: a huge model stays stoppable
    while done < epochs:
        n = min(size, epochs - done)
        traces, tick = entry.trace_count, time.perf_counter()
        new = chunk(*arrays, seed, done, n, *rest).numpy()
        seconds = time.perf_counter() - tick
        new = new if track else new[:, :losses]
        if rows is None:
            rows = np.empty((epochs, new.shape[1]), np.float32)
        finite = np.isfinite(new[:, :losses]).all(axis=1)  # a NaN cosine is not divergence
        kept = len(new) if finite.all() else int(np.argmin(finite))  # up to the first bad epoch
        rows[done : done + kept] = new[:kept]
        done += kept
        if kept < len(new):
            return rows[:done], "diverged"
        if on_progress is not None:
            on_progress(done, history.frame(rows[:done], entry.spec.n_tasks, entry.shared.names))
        if should_stop is not None and done < epochs and should_stop():
            return rows[:done], "stopped"
        if chunk_epochs is None and entry.trace_count == traces:  # a tracing call times nothing
            size = int(np.clip(CHUNK_SECONDS * n / max(seconds, 1e-6), 1, MAX_CHUNK_EPOCHS))
    return rows, "finished"
