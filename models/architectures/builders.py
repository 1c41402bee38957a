"""Functional-API builders and exact parameter counts for each variant.

Sharing is always *reusing one layer object*: calling it again reuses its variables.
"""

from __future__ import annotations

from models.architectures.groups import Groups, branch_name, groups_of, singletons
from models.spec import ModelSpec

CROSS_STITCH_SELF_WEIGHT = 0.9  # alpha's initial diagonal, as in Misra et al. (2016)


def _conv(spec: ModelSpec, index: int, name: str):
    from keras import layers

    return layers.Conv1D(
        spec.conv_filters[index], spec.kernel_size, activation=spec.activation, name=name
    )


def _dense(spec: ModelSpec, index: int, name: str):
    from keras import layers

    return layers.Dense(spec.dense_units[index], activation=spec.activation, name=name)


def _heads(spec: ModelSpec, features_by_task: list) -> list:
    from keras import layers

    return [
        layers.Dense(spec.horizon, name=f"task{t + 1}_head")(x)
        for t, x in enumerate(features_by_task)
    ]


def _body_factories(spec: ModelSpec) -> list[tuple[str, object]]:
    """The hard variant's body in order: (base name, factory(name) -> layer)."""
    from keras import layers

    body = [(f"conv{i + 1}", lambda n, i=i: _conv(spec, i, n)) for i in range(spec.n_conv)]
    body.append(("flatten", lambda n: layers.Flatten(name=n)))
    body += [(f"dense{i + 1}", lambda n, i=i: _dense(spec, i, n)) for i in range(spec.n_dense)]
    return body


def _hard_trunk_length(spec: ModelSpec) -> int:
    """How many body layers (Flatten included) belong to the trunk for `shared_layers` = k."""
    k = spec.shared_layers
    # Flatten has no weights: it joins the trunk exactly when every conv layer does.
    return k if k < spec.n_conv else k + 1


def _build_tree(spec: ModelSpec, groups: Groups, name: str):
    """A trunk of the first k weighted layers that every task reads, then one branch of the
    remaining layers per group of tasks, then a head per task on its group's branch."""
    import keras

    series = keras.Input((spec.timesteps, spec.n_features), name="series")
    body = _body_factories(spec)
    trunk_length = _hard_trunk_length(spec)
    x = series
    for base, make in body[:trunk_length]:
        x = make(base)(x)  # one call, and every task reads its output: shared across tasks
    tails = [None] * spec.n_tasks
    for group in groups:
        y = x
        for base, make in body[trunk_length:]:
            y = make(f"{branch_name(group)}_{base}")(y)  # one call, read by its group's tasks
        for task in group:
            tails[task] = y
    return keras.Model(series, _heads(spec, tails), name=name)


def build_hard(spec: ModelSpec):
    """Hard parameter sharing: a trunk of the first k weighted layers, the rest per task (the
    tree whose every branch serves one task)."""
    return _build_tree(spec, singletons(spec.n_tasks), f"hard_k{spec.shared_layers}")


def build_branched(spec: ModelSpec):
    """A trunk of the first k weighted layers, then a branch per group of tasks."""
    groups = groups_of(spec.task_groups, spec.n_tasks)
    return _build_tree(spec, groups, f"branched_k{spec.shared_layers}")


def build_towers(spec: ModelSpec):
    """A conv tower per feature; the first k conv layers are one object called on every feature."""
    import keras
    from keras import layers

    inputs = [
        keras.Input((spec.timesteps, 1), name=f"feature{f + 1}") for f in range(spec.n_features)
    ]
    k = spec.shared_layers
    shared = [_conv(spec, i, f"conv{i + 1}") for i in range(k)]
    whole_tower_shared = k == spec.n_conv
    shared_flatten = layers.Flatten(name="flatten") if whole_tower_shared else None
    towers = []
    for f, x in enumerate(inputs):
        for layer in shared:
            x = layer(x)  # the same layer object on every feature: tied weights
        for i in range(k, spec.n_conv):
            x = _conv(spec, i, f"feature{f + 1}_conv{i + 1}")(x)
        flatten = shared_flatten or layers.Flatten(name=f"feature{f + 1}_flatten")
        towers.append(flatten(x))
    x = layers.Concatenate(name="concat")(towers) if len(towers) > 1 else towers[0]
    for i in range(spec.n_dense):
        x = _dense(spec, i, f"dense{i + 1}")(x)
    return keras.Model(
        inputs, _heads(spec, [x] * spec.n_tasks), name=f"towers_k{spec.shared_layers}"
    )


def build_cross_stitch(spec: ModelSpec):
    """One network per task, mixed by a cross-stitch unit after each of the first k layers."""
    import keras

    from models.architectures.cross_stitch import CrossStitch

    series = keras.Input((spec.timesteps, spec.n_features), name="series")
    body = _body_factories(spec)
    weighted = [base for base, _ in body if base != "flatten"]
    mixed_after = weighted[: spec.shared_layers]
    xs = [series] * spec.n_tasks  # every task's network reads the whole input, extras too
    for base, make in body:
        xs = [make(f"task{t + 1}_{base}")(x) for t, x in enumerate(xs)]
        if base in mixed_after:
            unit = CrossStitch(
                CROSS_STITCH_SELF_WEIGHT, name=f"cross_stitch{mixed_after.index(base) + 1}"
            )
            xs = unit(xs)  # tasks exchange activations here: out_i = sum_j alpha_ij x_j
    return keras.Model(series, _heads(spec, xs), name=f"cross_stitch_k{spec.shared_layers}")


def build_mmoe(spec: ModelSpec):
    """k experts, each hard's whole body on the whole input; a gate and a head per task."""
    import keras
    from keras import layers

    from models.architectures.mmoe import ExpertGate

    series = keras.Input((spec.timesteps, spec.n_features), name="series")
    experts = []
    for e in range(spec.shared_layers):
        x = series
        for base, make in _body_factories(spec):
            x = make(f"expert{e + 1}_{base}")(x)  # every task reads each expert: shared
        experts.append(x)
    window = layers.Flatten(name="window")(series)  # what every gate looks at
    mixed = [
        ExpertGate(spec.shared_layers, name=f"task{t + 1}_gate")([window, *experts])
        for t in range(spec.n_tasks)
    ]
    return keras.Model(series, _heads(spec, mixed), name=f"mmoe_k{spec.shared_layers}")


def _conv_params(spec: ModelSpec, channels_in: int) -> list[int]:
    sizes, cin = [], channels_in
    for f in spec.conv_filters:
        sizes.append(spec.kernel_size * cin * f + f)
        cin = f
    return sizes


def _dense_params(spec: ModelSpec, inputs: int) -> list[int]:
    sizes, n_in = [], inputs
    for u in spec.dense_units:
        sizes.append(n_in * u + u)
        n_in = u
    return sizes


def _flat_size(spec: ModelSpec, channels_in: int) -> int:
    if not spec.conv_filters:
        return spec.timesteps * channels_in
    return spec.conv_lengths[-1] * spec.conv_filters[-1]


def _heads_params(spec: ModelSpec) -> int:
    return spec.n_tasks * (spec.dense_units[-1] * spec.horizon + spec.horizon)


def _count_tree(spec: ModelSpec, n_branches: int) -> int:
    weighted = _conv_params(spec, spec.n_features) + _dense_params(
        spec, _flat_size(spec, spec.n_features)
    )
    k = spec.shared_layers
    return sum(weighted[:k]) + n_branches * sum(weighted[k:]) + _heads_params(spec)


def count_hard(spec: ModelSpec) -> int:
    """Exact parameter count of `build_hard(spec)`, without building it."""
    return _count_tree(spec, spec.n_tasks)


def count_branched(spec: ModelSpec) -> int:
    """Exact parameter count of `build_branched(spec)`: the trunk once, the rest per group."""
    return _count_tree(spec, len(groups_of(spec.task_groups, spec.n_tasks)))


def count_towers(spec: ModelSpec) -> int:
    """Exact parameter count of `build_towers(spec)`, without building it."""
    conv = _conv_params(spec, 1)
    k = spec.shared_layers
    dense = _dense_params(spec, spec.n_features * _flat_size(spec, 1))
    return sum(conv[:k]) + spec.n_features * sum(conv[k:]) + sum(dense) + _heads_params(spec)


def count_mmoe(spec: ModelSpec) -> int:
    """Exact parameter count of `build_mmoe(spec)`: k bodies, a gate of k * (steps * F + 1)
    per task, heads."""
    body = sum(_conv_params(spec, spec.n_features)) + sum(
        _dense_params(spec, _flat_size(spec, spec.n_features))
    )
    k, window = spec.shared_layers, spec.timesteps * spec.n_features
    return k * body + spec.n_tasks * k * (window + 1) + _heads_params(spec)


def count_cross_stitch(spec: ModelSpec) -> int:
    """Exact parameter count of `build_cross_stitch(spec)`: a network per task plus k task x task
    matrices."""
    independent = count_hard(spec.replace(shared_layers=0))
    return independent + spec.shared_layers * spec.n_tasks**2
