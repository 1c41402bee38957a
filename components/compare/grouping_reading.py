"""What the grouping section's figure shows, in words, for each kind of batch it draws: the
oracle (every grouping), a proposed tree's trial, or the sum against PCGrad."""

from __future__ import annotations

# Common to every kind: what a dot, a bar and "behind" mean.
_SPREAD = (
    "A dot is a mean best validation loss over the seeds, the bar their range, the best at the "
    "top. One is *behind* another only if it is behind on every seed; otherwise the two are "
    "within the spread: one seed's luck, not a lesson."
)
ORACLE = (
    "**How to read it.** Each grouping splits the tasks into groups, and each group gets a "
    "network of its own (the branched variant with no trunk): one group is one trunk for all "
    "tasks, every task alone is no sharing at all. Every grouping trains on the same data and "
    f"seeds. {_SPREAD} In orange, the grouping the tasks' affinity predicted from one run (TAG: "
    "Fifty et al., 2021): the oracle tests that cheap prediction against training every "
    "grouping (Standley et al., 2020)."
)
TRIAL = (
    "**How to read it.** Three models on the same data and seeds: the proposed tree (in "
    f"orange), the model it was proposed from, and nothing shared. {_SPREAD} The proposal "
    "holds only if the tree is ahead of the other two on every seed."
)
METHODS = (
    "**How to read it.** One model, trained on the same data and seeds three ways: the tasks' "
    "losses summed (the baseline), PCGrad (in orange) and uncertainty weighting. "
    f"{_SPREAD} A method helps this model only if it is ahead of the sum on every seed."
)
READINGS = {"oracle": ORACLE, "trial": TRIAL, "methods": METHODS}
