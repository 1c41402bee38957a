"""A waiting run's place in the queue and its wait, as a visitor is told them.

Visitors are served in turn (`placement.turn`), so a place is not a count of earlier runs:
each other visitor's waiting runs count up to this visitor's own number in line.
"""

from __future__ import annotations

from collections.abc import Sequence


def runs_ahead(
    waiting_owners: Sequence, owner: object, all_busy: bool, place: int | None = None
) -> int:
    """About how many runs start before `owner`'s waiting run at `place` among theirs (0: the
    first; None: the last); `waiting_owners`: the owner of each waiting run; `all_busy`: every
    worker has a run (one of them ends first). Each other visitor's runs count up to this
    run's number in its owner's line: visitors take turns."""
    mine = list(waiting_owners).count(owner)
    place = max(mine - 1, 0) if place is None else place
    others = {o: list(waiting_owners).count(o) for o in waiting_owners if o != owner}
    ahead = place + sum(min(n, place + 1) for n in others.values())
    return ahead + int(all_busy)


def place_of(waiting: Sequence[tuple], future: object, owner: object) -> tuple[object, int | None]:
    """(whose waiting run `future` is, its place among that owner's waiting runs) in `waiting`,
    (owner, future) pairs in queue order; (owner, None) if it is not waiting. A run joined by
    an identical request is queued under the visitor who asked first."""
    for first, queued in waiting:
        if queued is future:
            return first, [f for o, f in waiting if o == first].index(future)
    return owner, None


def wait_estimate(ahead: int, active_seconds: Sequence[float], workers: int) -> float:
    """Seconds before a run `ahead` places back starts: runs take the active runs' mean."""
    mean = sum(active_seconds) / max(len(active_seconds), 1)
    return ahead * mean / max(workers, 1)
