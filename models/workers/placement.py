"""Which waiting job an idle training worker takes: the one that costs least where it runs.

Compiling a spec new to a worker takes 1-3 s, as long as a whole run of the page's defaults, so
where a job runs matters as much as when. Pure functions of the pool's state: workers have
`keys` (specs they have compiled), `task` (what they run, `task.ahead` for a compile ahead),
`ready` and `retiring`; jobs have a `key` (None: runs anywhere alike), `passed`, how many
later jobs started before them, and an `owner` (the visitor who asked; None: nobody's).

Visitors come first, compiling second: a waiting job of a visitor with fewer runs going, and
then of the visitor served longest ago, starts before any other, so a class of visitors is
served in turn and one visitor's six-run comparison cannot hold everybody else back.

A job whose spec only a busy worker knows waits for it when that worker should be free before a
compile elsewhere would end (`held`, from the jobs' expected seconds): six visitors each
pressing Train on their own k, their specs compiled ahead on one worker or the other, otherwise
had four of the six compiled again on the wrong worker (each ~3 s), and the last finished 28 s
after the first click.
"""

from __future__ import annotations

# A job lets at most this many later ones start first (in Compare, the short run a worker
# knows goes while the other worker finishes what it compiled), then it is next: several
# sessions share the workers, and a job new to all of them must not wait for ever.
OVERTAKES = 2


def best_job(
    idle: list, workers: list, jobs, served: dict | None = None, now: float | None = None
) -> tuple | None:
    """(worker, job) to start next among the `idle` workers, or None if no job may start.

    The owner whose turn it is goes first (`turn`; `served`: owner -> when their last job
    started). Among their jobs each idle worker's pick (see `rank`) competes: the lowest rank
    wins, then the job queued first, then a worker that is not retiring and knows fewer specs
    (it has room for more). A job `held` at `now` (None: none is) waits.
    """
    compiling = {w.task.key for w in workers if w.task is not None and w.task.ahead}
    served = served or {}
    picks = [
        (
            (
                turn(job, workers, served),
                rank(worker, job, workers),
                position,
                worker.retiring,
                len(worker.keys),
            ),
            worker,
            job,
        )
        for worker in idle
        for position, job in enumerate(jobs)
        # A job whose spec is being compiled ahead waits for that compile: compiling it
        # twice would take as long and slow both down.
        if (job.key is None or job.key not in compiling) and not held(job, workers, now)
    ]
    if not picks:
        return None
    _, worker, job = min(picks, key=lambda pick: pick[0])
    return worker, job


def turn(job, workers: list, served: dict) -> tuple[int, int]:
    """(runs its owner has going, when the owner was last served): lower goes first."""
    owner = getattr(job, "owner", None)
    if owner is None:
        return (0, -1)
    going = sum(
        1
        for w in workers
        if w.task is not None and not w.task.ahead and getattr(w.task, "owner", None) == owner
    )
    return (going, served.get(owner, -1))


def rank(worker, job, workers: list) -> int:
    """Lower goes first; within a rank, the queue's order (a batch queues its longest first).

    -1: the job has waited long enough (see OVERTAKES). 0: only `worker` knows its spec:
    nobody else can run it without compiling. 1: `worker` knows it and so do others, or nobody
    does (someone must compile it). 2: only busy workers know it, or one runs it now: compiled
    again here only when nothing better waits, rather than left waiting while this worker
    idles.
    """
    if job.passed >= OVERTAKES:
        return -1
    others = [w for w in workers if w is not worker and w.ready and not w.retiring]
    # A worker running the spec now knows it once that run ends: the oracle's three seeds of
    # one grouping then follow each other there instead of compiling it on both workers.
    known_elsewhere = job.key is None or any(
        job.key in w.keys or (w.task is not None and w.task.key == job.key) for w in others
    )
    if job.key is None or job.key in worker.keys:
        return int(known_elsewhere)
    return 1 + known_elsewhere


def held(job, workers: list, now: float | None) -> bool:
    """Whether `job` waits for a busy worker that knows its spec: one should be free (`free_at`)
    less than the job's `compile_seconds` from `now` (it is no later than a compile here would
    be, and the spec is not compiled twice), or overdue by less than that. Never once it has
    been passed OVERTAKES times, nor while an idle worker knows the spec."""
    compiling = getattr(job, "compile_seconds", 0.0)
    if now is None or job.key is None or not compiling or job.passed >= OVERTAKES:
        return False
    knowing = [w for w in workers if w.ready and not w.retiring and job.key in w.keys]
    if any(w.task is None for w in knowing):
        return False
    running = [
        w for w in workers if w.task is not None and w.task.key == job.key and not w.retiring
    ]
    ends = [w.free_at - now for w in [*knowing, *running] if w.free_at is not None]
    return any(-compiling < left < compiling for left in ends)


def quiet(idle: list, workers: list, asked: list, size: int) -> bool:
    """Whether an idle worker may compile ahead now: no job runs (it would lose CPU to a
    compile), and one worker stays free for a click unless several visitors' pages wait for
    their compiles (`asked`: the waiting prepares); then each click would wait for its own
    compile instead (six visitors' Train clicks: 13.6 s -> see `many_visitors`)."""
    if any(w.task and not w.task.ahead for w in workers):
        return False
    ahead = [w.task for w in workers if w.task is not None]  # all compiles ahead
    askers = {t.owner for t in [*asked, *ahead] if t.owner is not None}
    return len(idle) > 1 or size == 1 or len(askers) > 1


def take(jobs, job) -> None:
    """Remove `job` from the queue `jobs`; each job queued before it was passed once more,
    unless both are one visitor's: within a batch the order only decides where a spec
    compiles, and the batch is done when all of it is."""
    owner = getattr(job, "owner", None)
    for earlier in jobs:
        if earlier is job:
            break
        if owner is None or getattr(earlier, "owner", None) != owner:
            earlier.passed += 1
    jobs.remove(job)
