"""A process pool that replaces a worker leaving at `max_tasks_per_child` even with a backlog.

CPython 3.11-3.13 (gh-115634, fixed upstream by gh-140900): when a worker exits at its task
limit, the stock pool only replaces it if its idle-worker semaphore holds no token; tokens are
released per finished task but only taken by `submit()`, so with jobs queued a stale token
remains, no replacement is spawned and every queued job waits forever. The Compare tab queues
several jobs at once, so it hits this on the first batch with one worker.
"""

from __future__ import annotations

import threading
from concurrent.futures import ProcessPoolExecutor


class ReplacingProcessPool(ProcessPoolExecutor):
    """`ProcessPoolExecutor` whose manager thread always replaces a worker that left."""

    def _adjust_process_count(self) -> None:
        # The manager thread calls this only after a worker exited: replace it, as upstream's
        # fix does, whatever the semaphore says. submit() keeps the stock behaviour.
        if threading.current_thread() is self._executor_manager_thread:
            if len(self._processes) < self._max_workers:
                self._spawn_process()
            return
        super()._adjust_process_count()
