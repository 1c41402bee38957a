"""The call graph of a functional model, in the order generated code must replay it."""

from __future__ import annotations


def history(tensor) -> tuple:
    """(operation, node index, output index) that produced a symbolic tensor."""
    op, node_index, tensor_index = tensor._keras_history
    return op, node_index, tensor_index


def input_ops(model) -> list:
    """The model's InputLayers, in the order of `model.inputs`."""
    return [history(t)[0] for t in model.inputs]


def ordered_nodes(model) -> list[tuple[object, int]]:
    """Every call reachable from the outputs: parents first, and each layer's calls in order.

    Keeping each layer's calls in their original order means the rebuilt model numbers its
    calls (node indices) exactly as the original does.
    """
    reachable: dict[int, list[int]] = {}
    stack, seen = [history(t)[:2] for t in model.outputs], set()
    while stack:
        op, index = stack.pop()
        if (id(op), index) in seen:
            continue
        seen.add((id(op), index))
        reachable.setdefault(id(op), []).append(index)
        stack += [history(t)[:2] for t in op._inbound_nodes[index].input_tensors]
    for indices in reachable.values():
        indices.sort()

    order, done = [], set()

    def visit(op, index):
        if (id(op), index) in done:
            return
        done.add((id(op), index))
        for parent in op._inbound_nodes[index].input_tensors:
            visit(*history(parent)[:2])
        position = reachable[id(op)].index(index)
        if position:
            visit(op, reachable[id(op)][position - 1])
        order.append((op, index))

    for tensor in model.outputs:
        visit(*history(tensor)[:2])
    return order


def is_keras_layer(cls) -> bool:
    """Whether `cls` is public as `keras.layers.<name>`."""
    from keras import layers

    return getattr(layers, cls.__name__, None) is cls


def filled_in_by_keras(key: str, value) -> bool:
    """Call arguments Keras records although nobody passed them; it fills them in again.

    `training` is False in a symbolic call unless set, and masks follow the inputs' own masks.
    Writing `training=False` out would switch Dropout off for good, so it is left out.
    """
    return (key == "training" and not value) or key == "mask" or key.endswith("_mask")


def returns_list(op, node) -> bool:
    """Whether the call returned a list or tuple (a one-tensor list must be unpacked too)."""
    if len(node.outputs) != 1:
        return True
    if is_keras_layer(type(op)):
        return False
    try:
        spec = op.compute_output_spec(*node.arguments.args, **node.arguments.kwargs)
    except Exception:  # only a hint: fall back to counting tensors
        return False
    return isinstance(spec, list | tuple)
