"""Folding runs of identical blocks, so a real backbone's graph reads as its stages."""

from __future__ import annotations

import re

import keras
import pytest
from keras import layers

from models.analysis.folding import common_prefix, find_runs, signatures
from models.analysis.graph import to_dot
from models.analysis.sharing import analyse


def residual_stack(blocks: int = 4) -> keras.Model:
    """A stem, then `blocks` identical residual blocks named block1..N, then a head."""
    x = inputs = keras.Input((16,), name="series")
    x = layers.Dense(8, name="stem")(x)
    for b in range(1, blocks + 1):
        y = layers.Dense(8, activation="relu", name=f"block{b}_dense_a")(x)
        y = layers.Dense(8, name=f"block{b}_dense_b")(y)
        x = layers.Activation("relu", name=f"block{b}_out")(
            layers.Add(name=f"block{b}_add")([x, y])
        )
    return keras.Model(inputs, layers.Dense(1, name="head")(x))


def _node_names(dot: str) -> set[str]:
    return set(re.findall(r'label="([^" ·]+) ·', dot))


def _id(dot: str, name: str) -> str:
    return re.search(rf'(\w+) \[label="{name} ·', dot).group(1)


def test_a_run_is_found_where_the_blocks_repeat_with_their_wiring():
    # kinds a b c | a b c | a b c: each block's first node reads the previous block's last.
    kinds = ["stem"] + ["a", "b", "c"] * 3 + ["head"]
    parents = [[]] + [[i - 1] for i in range(1, 11)]
    names = ["stem"] + [f"block{b}_{k}" for b in (1, 2, 3) for k in "abc"] + ["head"]
    (run,) = find_runs(signatures(kinds, parents), parents, names)
    assert (run.start, run.period, run.repeats) == (1, 3, 3)


def test_blocks_that_differ_in_wiring_do_not_fold():
    kinds = ["a", "b"] * 3
    parents = [[], [0], [1], [2], [2], [4]]  # the third block's `b` skips back further
    runs = find_runs(signatures(kinds, parents), parents, [str(i) for i in range(6)])
    assert all(run.repeats * run.period < 6 for run in runs)


def test_common_prefix_stops_at_a_separator():
    assert common_prefix(["conv2_block2_1_conv", "conv2_block2_out"]) == "conv2_block2"
    assert common_prefix(["a", "b"]) == ""


def test_residual_blocks_fold_into_one_drawn_block_marked_with_its_count():
    analysis = analyse(residual_stack(4))
    full, folded = to_dot(analysis), to_dot(analysis, fold=True)
    assert _node_names(full) >= {f"block{b}_add" for b in range(1, 5)}
    shown = _node_names(folded)
    # The stem feeds block 1 as each block's output feeds the next: one run of 4, block 1 drawn.
    assert "× 4 identical blocks (block1 … block4)" in folded
    assert {"block1_add", "block1_out"} <= shown and not shown & {"block2_add", "block4_out"}
    assert {"stem", "head"} <= shown
    assert len(shown) == len(_node_names(full)) - 3 * 4
    # What read block 4's output now reads its stand-in, block 1's output.
    assert f"{_id(folded, 'block1_out')} -> {_id(folded, 'head')};" in folded


def test_the_calls_view_folds_too():
    analysis = analyse(residual_stack(3))
    folded = to_dot(analysis, view="calls", fold=True)
    assert "× 3 identical blocks" in folded and "block3_add" not in folded


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "runs"),
    [("ResNet50", {2, 3, 5}), ("ConvNeXtTiny", {3, 9})],
    ids=["ResNet50", "ConvNeXt"],
)
def test_a_real_backbone_folds_its_stages(name, runs):
    net = getattr(keras.applications, name)(
        weights=None, input_shape=(32, 32, 3), include_top=False
    )
    analysis = analyse(net)
    folded = to_dot(analysis, fold=True)
    counts = {int(n) for n in re.findall(r"× (\d+) identical blocks", folded)}
    assert runs <= counts
    assert len(_node_names(folded)) < 0.7 * len(analysis.layers)
    assert to_dot(analysis) == to_dot(analysis, fold=False)  # folding is opt-in
