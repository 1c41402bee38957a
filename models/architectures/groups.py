"""Groups of tasks: which tasks share a branch after the trunk (the branched variant's tree).

A spec's `task_groups` gives one group number per task ("1, 1, 2, 2": tasks 1 and 2 share one
branch, tasks 3 and 4 another). Numbers only label: (2, 2, 1, 1) is the same tree. Pure Python,
so the page, the cost plan and the grouping oracle read groups without Keras.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

Groups = tuple[tuple[int, ...], ...]  # each group's task indices (0-based), by first task


def default_groups(n_tasks: int) -> Groups:
    """No groups given: two branches, the first half of the tasks and the rest (one task: one)."""
    half = (n_tasks + 1) // 2
    return tuple(g for g in (tuple(range(half)), tuple(range(half, n_tasks))) if g)


def groups_of(labels: Sequence[int], n_tasks: int) -> Groups:
    """One label per task -> the groups, each in task order, ordered by their first task.

    No labels: `default_groups`. Labels that do not give one per task are the variant's check's
    to refuse (`models.architectures.variants`); here they raise ValueError.
    """
    if not labels:
        return default_groups(n_tasks)
    if len(labels) != n_tasks:
        raise ValueError(f"{len(labels)} group numbers for {n_tasks} tasks")
    members: dict[int, list[int]] = {}
    for task, label in enumerate(labels):
        members.setdefault(label, []).append(task)
    return tuple(tuple(tasks) for tasks in members.values())


def labels_of(groups: Groups) -> tuple[int, ...]:
    """The canonical labels of `groups`: 1 for the group of task 1, 2 for the next group, ..."""
    labels = [0] * sum(len(g) for g in groups)
    for number, group in enumerate(groups, start=1):
        for task in group:
            labels[task] = number
    return tuple(labels)


def singletons(n_tasks: int) -> Groups:
    """Every task its own branch: hard sharing's tree."""
    return tuple((t,) for t in range(n_tasks))


def branch_name(group: Sequence[int]) -> str:
    """The prefix of a branch's layer names: "task3" for one task (as hard sharing names its
    copies), "tasks1_2" for a branch that tasks 1 and 2 share."""
    if len(group) == 1:
        return f"task{group[0] + 1}"
    return "tasks" + "_".join(str(t + 1) for t in group)


def describe(groups: Groups) -> str:
    """The tree in words: "{1, 2} and {3, 4}" (tasks numbered from 1)."""
    parts = ["{" + ", ".join(str(t + 1) for t in g) + "}" for g in groups]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def bell(n: int) -> int:
    """How many ways n tasks split into groups (1, 1, 2, 5, 15, 52, ...; 16 tasks: 10.5
    billion), from Bell's triangle: counted, never listed."""
    row = [1]
    for _ in range(n):
        next_row = [row[-1]]
        for value in row:
            next_row.append(next_row[-1] + value)
        row = next_row
    return row[0]


def partitions(n: int) -> Iterator[Groups]:
    """Every way to split tasks 0..n-1 into groups (`bell(n)` of them: 15 for 4 tasks), each
    in canonical order, from one group to every task alone. Only for small n: the count grows
    faster than exponentially."""
    found: list[Groups] = []

    def grow(task: int, groups: list[list[int]]) -> None:
        if task == n:
            found.append(tuple(tuple(g) for g in groups))
            return
        for group in groups:
            group.append(task)
            grow(task + 1, groups)
            group.pop()
        groups.append([task])
        grow(task + 1, groups)
        groups.pop()

    if n:
        grow(0, [])
    yield from sorted(found, key=len)
