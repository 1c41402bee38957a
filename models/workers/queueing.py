"""A waiting run's place in the queue and its wait, as a visitor is told them.

Visitors are served in turn (`placement.turn`), so a place is not a count of earlier runs:
each other visitor's waiting runs count up to this visitor's own number in line.
"""

from __future__ import annotations

from collections.abc import Sequence


def runs_ahead(waiting_owners: Sequence, owner: object, all_busy: bool) -> int:
    """About how many runs start before `owner`'s next waiting one; `waiting_owners`: the
    owner of each waiting run; `all_busy`: every worker has a run (one of them ends first)."""
    mine = list(waiting_owners).count(owner)
    others = {o: list(waiting_owners).count(o) for o in waiting_owners if o != owner}
    ahead = max(mine - 1, 0) + sum(min(n, max(mine, 1)) for n in others.values())
    return ahead + int(all_busy)


def wait_estimate(ahead: int, active_seconds: Sequence[float], workers: int) -> float:
    """Seconds before a run `ahead` places back starts: runs take the active runs' mean."""
    mean = sum(active_seconds) / max(len(active_seconds), 1)
    return ahead * mean / max(workers, 1)
