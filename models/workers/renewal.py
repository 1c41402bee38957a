"""When a grown worker leaves the pool and when its spare starts: pure decisions on the pool's
workers (`ready`, `retiring`, `task`), kept apart from the pool's mechanics.

A worker that grew past its cap retires once idle. It leaves at once if another worker serves
meanwhile, grown or not (its spare starts as it leaves: never three processes for two
workers); a lone worker serves on until its spare is ready.
"""

from __future__ import annotations


def renew(workers: list, size: int, starting: bool) -> tuple[list, int]:
    """(workers that leave now, spares to start) for `workers` of a pool of `size`;
    `starting`: a worker is already on its way (counted as not ready)."""
    leaving, starts = [], 0
    for worker in [w for w in workers if w.retiring and w.task is None]:
        staying = [w for w in workers if w not in leaving]
        others = [w for w in staying if w is not worker and w.ready]
        starting = starting or starts > 0 or any(not w.ready for w in staying)
        if len([w for w in staying if w.ready and not w.retiring]) >= size:
            leaving.append(worker)  # its spare is ready
        elif others and not starting:
            leaving.append(worker)
            starts += 1
        elif not others and not starting:  # alone: it serves while a spare warms up
            starts += 1
    return leaving, starts


def resting(workers: list, idle_size: int) -> list:
    """The workers to let go when nothing is asked: all but `idle_size`, those that grew past
    their cap first, then those that compiled the most (they hold the most memory)."""
    ready = [w for w in workers if w.ready]
    extra = max(0, len(workers) - idle_size)
    return sorted(ready, key=lambda w: (not w.retiring, -len(w.keys)))[:extra]
