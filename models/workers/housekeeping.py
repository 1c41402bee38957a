"""What the training service does on its own, about once a second: runs nobody watches are
stopped, runs past their deadline too, a run that ignores Stop loses its worker, and the files
of runs that ended a while ago are removed.

A visitor's page polls its runs every ~2 s while it is open (`JobHandle.touch`); a closed tab
polls no more. After LEASE_SECONDS without a look the visitor counts as gone, and a run every
watcher has left is stopped: a class that presses Train and closes the laptop frees the workers
within ~20 s. Handles without an owner (a script or test using the service) are not leased.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

from models.workers.handle import Run
from models.workers.logs import LOGGER

LOG = logging.getLogger(LOGGER)
LEASE_SECONDS = 15.0  # a page polls every 2 s: this many seconds of silence means it has gone
STOP_GRACE_SECONDS = 5.0  # a run asked to stop that is still going then: its worker is killed
FILES_KEEP_SECONDS = 30 * 60  # a run's files (losses, trained model) after it ended
LEFT_ALONE = (
    "Stopped: nobody was watching this run any more (its page was closed or lost its "
    "connection). The epochs it reached are kept."
)


def past_deadline(run: Run) -> str:
    return (
        f"Stopped at this host's time limit for one run ({run.deadline_seconds:,.0f} s): "
        "use fewer epochs or training windows, or a smaller model."
    )


def look(
    runs: Iterable[Run],
    end_worker: Callable[[Run, str], None],
    now: float | None = None,
    wall_now: float | None = None,
) -> list[Run]:
    """One round over the active `runs`: leases, deadlines, stops that did not land. Returns
    the runs that have ended (their `ended` time set)."""
    now = time.monotonic() if now is None else now
    wall_now = time.time() if wall_now is None else wall_now
    ended = []
    for run in runs:
        if run.future.done():
            run.ended = run.ended or now
            ended.append(run)
            continue
        for handle_id, seen in list(run.watchers.items()):
            # Only a visitor's handle is leased: a script's (owner None) waits for its result.
            if run.owners.get(handle_id) is not None and now - seen > LEASE_SECONDS:
                del run.watchers[handle_id]
                if not run.watchers and run.stop_asked is None:
                    LOG.info("lease expired: stopping %s", run.folder.name)
                    run.ask_stop(LEFT_ALONE, now)
        started = run.started_at()
        if started is not None and wall_now - started > run.deadline_seconds:
            if run.stop_asked is None:
                LOG.warning("deadline passed: stopping %s", run.folder.name)
            run.ask_stop(past_deadline(run), now)
        if run.stop_asked is not None and now - run.stop_asked > STOP_GRACE_SECONDS:
            end_worker(run, run.stop_reason or "stopped")
            run.stop_asked = now  # once per grace period until the worker is gone
    return ended


def clear_old_files(ended: Iterable[Run], keep: set, now: float | None = None) -> list[Run]:
    """Remove the folders of runs that ended over FILES_KEEP_SECONDS ago, except those in
    `keep` (answers cached for identical requests); returns the runs still kept."""
    now = time.monotonic() if now is None else now
    kept = []
    for run in ended:
        if run in keep or now - (run.ended or now) <= FILES_KEEP_SECONDS:
            kept.append(run)
            continue
        shutil.rmtree(run.folder, ignore_errors=True)
        if run.progress.parent != run.folder:
            run.progress.unlink(missing_ok=True)
    return kept


class Answers:
    """Finished runs kept to answer the next identical request at once (runs are
    deterministic), newest last, within `max_bytes` of results held in the server."""

    def __init__(self, max_bytes: int):
        self.max_bytes, self._runs = max_bytes, OrderedDict()

    def get(self, job) -> Run | None:
        """The finished run of `job`, if kept and its files are still there."""
        run = self._runs.get(job)
        if run is not None and not run.folder.exists():
            del self._runs[job]
            return None
        return run

    def keep(self, run: Run) -> None:
        """Keep `run` if it finished (a stopped or failed run answers nothing)."""
        future = run.future
        if future.cancelled() or future.exception() is not None:
            return
        if future.result().status != "finished":
            return
        self._runs[run.job] = run
        while sum(_result_bytes(r) for r in self._runs.values()) > self.max_bytes:
            self._runs.popitem(last=False)

    def runs(self) -> set:
        return set(self._runs.values())


def _result_bytes(run: Run) -> int:
    result = run.future.result()
    arrays = list(result.weights or []) + [result.val_predictions]
    return int(result.history.memory_usage(deep=True).sum()) + sum(
        a.nbytes for a in arrays if a is not None
    )
