"""Standalone Keras code that rebuilds a built functional model, one layer object at a time.

The code is generated from the model itself (its layers and call graph), not from the spec, so
it covers every variant and any functional model made of layers. Each layer object is created
once; each call is its own line; a repeated call says that it reuses the same weights. Layer
classes defined in this project are pasted in, so the file runs with only Keras installed.
"""

from __future__ import annotations

from collections.abc import Sequence

from models.analysis.records import Analysis
from models.analysis.sharing import analyse
from models.codegen.graph import (
    filled_in_by_keras,
    history,
    input_ops,
    is_keras_layer,
    ordered_nodes,
    returns_list,
)
from models.codegen.source import (
    WIDTH,
    CodegenError,
    Group,
    Names,
    call_output_name,
    embed,
    flat_text,
    import_block,
    keyword_item,
    literal,
    statement,
)
from models.codegen.values import constructor_items, input_items, value_source

PROJECT_PACKAGES = ("models",)  # layer classes from these packages are pasted into the code

__all__ = ["PROJECT_PACKAGES", "CodegenError", "generate_code"]


def generate_code(
    model,
    about: Sequence[str] = (),
    embed_packages: tuple[str, ...] = PROJECT_PACKAGES,
    analysis=None,
) -> str:
    """Python source that rebuilds `model`: same layers, names, configs, calls and sharing.

    `about`: lines for the header comment saying where the model came from (the caller knows;
    codegen knows only the model). Layer classes from `embed_packages` are pasted in; other
    non-Keras classes are imported. `analysis`: the model's `analyse(model)`, if the caller
    already has it. Raises `CodegenError` for graphs it cannot write (nested models, non-layer
    operations).
    """
    return _Writer(model, embed_packages, analysis).source(about)


class _Writer:
    """Holds the naming state while one model is written out."""

    def __init__(self, model, embed_packages: tuple[str, ...], analysis=None):
        self.model = model
        self.nodes = ordered_nodes(model)
        ops = [*input_ops(model), *(op for op, _ in self.nodes)]
        self.ops = list({id(op): op for op in ops}.values())
        _check_writable(self.ops)

        def embeddable(module: str) -> bool:
            return any(module == p or module.startswith(p + ".") for p in embed_packages)

        custom = [c for c in dict.fromkeys(type(op) for op in self.ops) if not is_keras_layer(c)]
        self.pasted = embed([c for c in custom if embeddable(c.__module__)], embeddable)
        self.imports = [_import_of(c) for c in custom if not embeddable(c.__module__)]
        reserved = {"keras", "layers", "model"} | {c.__name__ for c in custom}
        self.names = Names(reserved | self.pasted.names)
        self.analysis = analysis or analyse(model)
        self.layer_vars = {id(op): self.names.new(op.name) for op in self.ops}
        self.tensors: dict[tuple, str] = {}  # (id(op), node index, output index) -> variable

    def source(self, about: Sequence[str]) -> str:
        """The whole file: header, imports, pasted classes, inputs, layers, calls, model."""
        uses_layers = any(is_keras_layer(type(op)) for op in self.ops)
        imports = ["import keras"] + (["from keras import layers"] if uses_layers else [])
        future = (
            ["from __future__ import annotations", ""] if self.pasted.future_annotations else []
        )
        top = [
            _header(self.model, about, self.analysis),
            future + import_block(imports + self.pasted.imports + self.imports),
        ]
        body = [
            ["# Inputs", *self.input_lines()],
            ["# Layer objects: each is created once and owns its weights.", *self.layer_lines()],
            [
                "# Calls, in graph order: calling a layer object again reuses its weights.",
                *self.call_lines(),
            ],
            statement("model = ", self.model_call()),
        ]
        imports_text = "\n\n".join("\n".join(s) for s in top)
        body_text = "\n\n".join("\n".join(s) for s in body) + "\n"
        if not self.pasted.blocks:
            return f"{imports_text}\n\n{body_text}"
        # ruff's layout: one blank line after the imports unless a def follows; two blank
        # lines around the pasted definitions.
        first_is_def = self.pasted.blocks[0].startswith(("def ", "class ", "@", "async def "))
        after_imports = "\n\n\n" if first_is_def else "\n\n"
        return imports_text + after_imports + "\n\n\n".join([*self.pasted.blocks, body_text])

    def input_lines(self) -> list[str]:
        lines = []
        for op in input_ops(self.model):
            var = self.layer_vars[id(op)]
            self.tensors[(id(op), 0, 0)] = var
            lines += statement(f"{var} = ", Group("keras.Input(", input_items(op)))
        return lines

    def layer_lines(self) -> list[str]:
        lines, last_role = [], None
        for op in self.ops:
            if _is_input(op):
                continue
            role, tied = _role(self.analysis, op.name)
            if tied or role != last_role:  # one comment per run of layers with the same role
                lines += ["", role] if lines else [role]
            last_role = role
            cls = type(op)
            ref = f"layers.{cls.__name__}" if is_keras_layer(cls) else cls.__name__
            var = self.layer_vars[id(op)]
            lines += statement(f"{var} = ", Group(f"{ref}(", constructor_items(op)))
        return lines

    def call_lines(self) -> list[str]:
        lines, calls_so_far = [], {}
        for op, node_index in self.nodes:
            if _is_input(op):
                continue
            var = self.layer_vars[id(op)]
            calls_so_far[id(op)] = n = calls_so_far.get(id(op), 0) + 1
            node = op._inbound_nodes[node_index]
            base = call_output_name(var, n, self.analysis.layer(op.name).tied)
            if returns_list(op, node):
                outs = [self.names.new(f"{base}_{i + 1}") for i in range(len(node.outputs))]
                target = _unpacking(outs, f" = {var}(")
            else:
                outs = [self.names.new(base)]
                target = outs[0]
            args = [self.arg(a) for a in node.arguments.args]
            args += [
                keyword_item(k, self.arg(v))
                for k, v in node.arguments.kwargs.items()
                if not filled_in_by_keras(k, v)
            ]
            for i, name in enumerate(outs):
                self.tensors[(id(op), node_index, i)] = name
            again = f"# {var} again: same weights (shared)" if n > 1 else ""
            lines += statement(f"{target} = ", Group(f"{var}(", args), again)
        return lines

    def model_call(self) -> Group:
        items = [
            keyword_item("inputs", self.arg(self.model._inputs_struct)),
            keyword_item("outputs", self.arg(self.model._outputs_struct)),
            f"name={literal(self.model.name)}",
        ]
        return Group("keras.Model(", items)

    def arg(self, value):
        """Source for a call argument: tensors by their variable, containers item by item."""
        if hasattr(value, "_keras_history"):
            op, node_index, tensor_index = history(value)
            return self.tensors[(id(op), node_index, tensor_index)]
        if isinstance(value, list):
            return Group("[", [self.arg(v) for v in value], "]")
        if isinstance(value, tuple):
            items = [self.arg(v) for v in value]
            return f"({flat_text(items[0])},)" if len(items) == 1 else Group("(", items, ")")
        if isinstance(value, dict):
            entries = [f"{literal(k)}: {flat_text(self.arg(v))}" for k, v in value.items()]
            return Group("{", entries, "}")
        return value_source(value)


def _check_writable(ops) -> None:
    import keras

    for op in ops:
        if isinstance(op, keras.Model):
            raise CodegenError(f"{op.name} is a nested model; only flat models can be written.")
        if not isinstance(op, keras.layers.Layer):
            raise CodegenError(f"{op.name} ({type(op).__name__}) is not a layer; cannot write it.")


def _header(model, about: Sequence[str], analysis: Analysis) -> list[str]:
    lines = [
        f"# Keras code for the model {literal(model.name)}, written by Layer Sharing Explorer."
    ]
    lines += [f"# {line}".rstrip() for line in about]
    tied = [layer.name for layer in analysis.layers if layer.tied]
    lines += [
        f"# Parameters: {analysis.totals.total:,} (a shared layer's weights are counted once).",
        f"# Layers called more than once (weights tied): {', '.join(tied) or 'none'}.",
        "#",
        "# In Keras a layer is shared by calling one layer object more than once: every call",
        "# uses the same weights, and training adds up the gradients from all of its calls.",
    ]
    return lines


def _role(analysis: Analysis, name: str) -> tuple[str, bool]:
    """A comment on how a layer object is shared, and whether it is tied (called repeatedly)."""
    layer = analysis.layer(name)
    if layer.tied:
        what = "its weights are shared by every call" if layer.params else "it has no weights"
        return f"# One object, called {layer.n_calls} times below: {what}.", True
    if layer.input_branch:
        branch = ", ".join(sorted(layer.inputs))
        reach = f"its output reaches {len(layer.tasks)} tasks"
        return f"# Branch of {branch}: called once, for this input only; {reach}.", False
    if len(layer.tasks) > 1:
        feeds = f"the output feeds {len(layer.tasks)} tasks"
        return f"# Shared across tasks: called once, {feeds}.", False
    return "# Task-specific: called once, for one task.", False


def _is_input(op) -> bool:
    return type(op).__name__ == "InputLayer"


def _import_of(cls) -> str:
    if cls.__module__ == "__main__" or "<" in cls.__qualname__:
        raise CodegenError(f"{cls.__qualname__} is not importable; define it in a module.")
    return f"from {cls.__module__} import {cls.__name__}"


def _unpacking(outs: list[str], rest: str) -> str:
    """`a, b` as an assignment target; exploded in brackets when the line would be too long."""
    flat = f"({outs[0]},)" if len(outs) == 1 else ", ".join(outs)
    if len(flat) + len(rest) <= WIDTH:
        return flat
    return "(\n" + "".join(f"    {name},\n" for name in outs) + ")"
