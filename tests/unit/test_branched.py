"""The branched variant: task groups, its tree against hard sharing's, counts, names, shapes."""

from __future__ import annotations

import numpy as np
import pytest

from models.analysis.palette import GROUP_FILL, TASK_SHARED_FILL, layer_colours, legend
from models.analysis.sharing import analyse
from models.architectures.groups import (
    branch_name,
    default_groups,
    describe,
    groups_of,
    labels_of,
    partitions,
)
from models.architectures.variants import VARIANTS, build_model, clamp_k, settled, validate
from models.inspect import code_for_spec
from models.spec import ModelSpec, SpecError
from support.rebuild import assert_same_model, run_code

BRANCHED = ModelSpec(variant="branched", shared_layers=2, task_groups=(1, 1, 2, 3))


def test_partitions_are_the_bell_numbers_each_once_in_canonical_order():
    assert [len(list(partitions(n))) for n in range(1, 6)] == [1, 2, 5, 15, 52]
    four = list(partitions(4))
    assert len(set(four)) == 15
    assert four[0] == ((0, 1, 2, 3),) and four[-1] == ((0,), (1,), (2,), (3,))
    for groups in four:  # each a partition of the four tasks, in the order groups_of gives
        assert sorted(t for g in groups for t in g) == [0, 1, 2, 3]
        assert groups_of(labels_of(groups), 4) == groups


def test_labels_are_read_into_groups_whatever_numbers_name_them():
    assert groups_of((2, 2, 1, 1), 4) == groups_of((1, 1, 2, 2), 4) == ((0, 1), (2, 3))
    assert groups_of((5, 9, 5), 3) == ((0, 2), (1,))
    assert groups_of((), 4) == default_groups(4) == ((0, 1), (2, 3))
    assert default_groups(3) == ((0, 1), (2,)) and default_groups(1) == ((0,),)
    assert describe(((0, 2), (1,))) == "{1, 3} and {2}"
    assert branch_name((0, 2)) == "tasks1_3" and branch_name((3,)) == "task4"
    with pytest.raises(ValueError):
        groups_of((1, 2), 4)


def test_a_branch_per_task_is_hard_sharing_layer_for_layer():
    for k in range(6):
        alone = build_model(
            ModelSpec(variant="branched", shared_layers=k, task_groups=(1, 2, 3, 4))
        )
        hard = build_model(ModelSpec(variant="hard", shared_layers=k))
        assert [(x.name, x.count_params()) for x in alone.layers] == [
            (x.name, x.count_params()) for x in hard.layers
        ]


def test_one_group_is_one_trunk_all_the_way_at_any_k():
    for k in range(6):
        one = ModelSpec(variant="branched", shared_layers=k, task_groups=(1, 1, 1, 1))
        assert build_model(one).count_params() == VARIANTS["branched"].count_params(one) == 52_012


def test_each_branch_is_called_once_and_read_by_its_groups_tasks_only():
    model = build_model(BRANCHED)
    assert model.count_params() == VARIANTS["branched"].count_params(BRANCHED) == 146_948
    analysis = analyse(model)
    assert analysis.layer("conv2").tasks == set(analysis.tasks)  # the trunk: every task
    branch = analysis.layer("tasks1_2_conv3")
    assert branch.n_calls == 1 and branch.tasks == {"task1_head", "task2_head"}
    assert branch.group_branch and branch.role == "shared by 2 tasks (task1, task2)"
    assert analysis.layer("task3_conv3").role == "task-specific"
    fills = layer_colours(analysis)
    assert fills["tasks1_2_dense1"] == GROUP_FILL and fills["conv1"] == TASK_SHARED_FILL
    assert "shared by a group of tasks (a branch, called once)" in [t for _, t in legend(analysis)]


def test_every_task_gets_its_forecast_from_its_own_branch():
    model = build_model(BRANCHED)
    x = np.random.default_rng(0).normal(size=(3, 10, 4)).astype("float32")
    outputs = model.predict(x, verbose=0)
    assert [o.shape for o in outputs] == [(3, 10)] * 4
    # Tasks 1 and 2 read one branch: their heads see the same activations, so with the same
    # head weights they forecast the same values; with their own heads they differ.
    model.get_layer("task2_head").set_weights(model.get_layer("task1_head").get_weights())
    same = model.predict(x, verbose=0)
    np.testing.assert_allclose(same[0], same[1], rtol=1e-6)
    model.get_layer("task3_head").set_weights(model.get_layer("task1_head").get_weights())
    assert not np.allclose(model.predict(x, verbose=0)[2], same[0])


def test_groups_are_checked_against_the_tasks_and_settled_in_one_form():
    with pytest.raises(
        SpecError, match="2 group numbers for 4 tasks: give one per task, e.g. 1, 1, 2, 2"
    ):
        validate(ModelSpec(variant="branched", task_groups=(1, 2)))
    assert settled(ModelSpec(variant="branched", task_groups=(3, 3, 1, 2))).task_groups == (
        1,
        1,
        2,
        3,
    )
    assert settled(ModelSpec(variant="hard", task_groups=(1, 1, 2, 2))).task_groups == ()
    assert clamp_k(ModelSpec(variant="towers", shared_layers=9, task_groups=(1, 2, 1, 2))) == (
        ModelSpec(variant="towers", shared_layers=3)
    )
    # Input-only series are no tasks: the groups count the forecast series only.
    three = ModelSpec(variant="branched", n_features=4, extra_inputs=1, task_groups=(1, 1, 2))
    assert build_model(three).count_params() == VARIANTS["branched"].count_params(three)


def test_a_compared_tree_keeps_its_groups_in_the_link_and_as_the_sizes_change():
    from models.experiments.configurations import from_pairs, pairs_of, resize, short_name
    from models.urlcodec import BadValue
    from models.urlstate import compare_list, compare_text

    text = "hard.5,branched.0.1-2-1-2,branched.2"
    items = compare_list(text)
    assert items == (("hard", 5, ()), ("branched", 0, (1, 2, 1, 2)), ("branched", 2, ()))
    assert compare_text(items) == text
    for bad in ("hard.5.1-1-2-2", "branched.2.1-x", "branched"):
        with pytest.raises(BadValue):
            compare_list(bad)
    sizes = ModelSpec(variant="branched", task_groups=(1, 1, 1, 2))  # the sidebar's tree
    configs, messages = from_pairs(items, sizes)
    assert messages == [] and [c.spec.task_groups for c in configs] == [
        (),
        (1, 2, 1, 2),
        (1, 1, 1, 2),
    ]
    assert short_name(configs[1].spec) == "branched, k = 0, groups {1, 3} and {2, 4}"
    assert compare_text(pairs_of(configs)) == "hard.5,branched.0.1-2-1-2,branched.2.1-1-1-2"
    # The sidebar goes back to hard sharing: each compared tree keeps its own groups.
    kept, _ = resize(configs, ModelSpec(variant="hard"))
    assert [c.spec.task_groups for c in kept] == [(), (1, 2, 1, 2), (1, 1, 1, 2)]
    # Three tasks: four group numbers no longer fit, so that tree takes the default one.
    three, _ = resize(configs, ModelSpec(n_features=3))
    assert three[1].spec.task_groups == () and three[1].spec.n_tasks == 3


TREES = [(1, 2, 1, 3), (1, 1, 1, 1), (1, 2, 3, 4), (2, 2, 1, 1)]


@pytest.mark.parametrize("groups", TREES, ids=lambda g: "-".join(map(str, g)))
@pytest.mark.parametrize("k", [0, 2, 5])
def test_generated_code_rebuilds_every_tree(groups, k):
    spec = ModelSpec(variant="branched", shared_layers=k, task_groups=groups)
    model = build_model(spec)
    assert model.count_params() == VARIANTS["branched"].count_params(spec)
    assert [tuple(out.shape) for out in model.outputs] == [(None, spec.horizon)] * 4
    assert_same_model(model, run_code(code_for_spec(spec)))
