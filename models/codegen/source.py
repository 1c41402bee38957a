"""Pieces of generated Python source: literals, wrapped calls, and embedded custom classes.

Used by `models.codegen`; kept apart so that module reads as the walk over the model.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import json
import keyword
import math
import re
import sys
from dataclasses import dataclass, field

WIDTH = 100  # the project's line length; generated code keeps to it where it can


class CodegenError(ValueError):
    """A model or value this generator cannot write as code; the message says why."""


def literal(value) -> str:
    """Python source for a plain config value (None, bools, numbers, strings, lists, dicts)."""
    if value is None or isinstance(value, bool | int):
        return repr(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else f'float("{value}")'
    if isinstance(value, str):
        # JSON string escapes are all valid Python escapes; double quotes match the house style.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple):
        items = [literal(v) for v in value]
        return f"({items[0]},)" if len(items) == 1 else "(" + ", ".join(items) + ")"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    raise CodegenError(f"Cannot write a value of type {type(value).__name__} as code: {value!r}")


@dataclass
class Group:
    """A bracketed list of items (a call's arguments, a list) that may wrap over lines."""

    open: str
    items: list = field(default_factory=list)
    close: str = ")"

    def flat(self) -> str:
        return self.open + ", ".join(flat_text(item) for item in self.items) + self.close


def flat_text(item) -> str:
    """A string as is, a Group on one line."""
    return item if isinstance(item, str) else item.flat()


def _wrapped(item, indent: int, lead: int = 0) -> str:
    """`item` laid out like ruff format: one line, items on one indented line, or exploded.

    `lead` is how many characters precede it on its first line (e.g. `x = `).
    """
    flat = flat_text(item)
    if isinstance(item, str) or lead + indent + len(flat) <= WIDTH:
        return flat
    inner = indent + 4
    pad, end_pad = " " * inner, " " * indent
    joined = ", ".join(flat_text(i) for i in item.items)
    if inner + len(joined) <= WIDTH:
        return f"{item.open}\n{pad}{joined}\n{end_pad}{item.close}"
    lines = "".join(f"{pad}{_wrapped(i, inner)},\n" for i in item.items)
    return f"{item.open}\n{lines}{end_pad}{item.close}"


def statement(target: str, value, comment: str = "") -> list[str]:
    """`target = value` lines, wrapped; a comment trails when it fits, else goes above."""
    text = target + _wrapped(value, 0, len(target))
    if not comment:
        return [text]
    if "\n" not in text and len(text) + 2 + len(comment) <= WIDTH:
        return [f"{text}  {comment}"]
    return [comment, text]


def import_block(lines: list[str]) -> list[str]:
    """Simple import lines, deduplicated and merged the way ruff's isort rules order them."""
    plain = sorted({line for line in lines if line.startswith("import ")})
    names_by_module: dict[str, set[str]] = {}
    for line in lines:
        if line.startswith("from "):
            module, names = line[len("from ") :].split(" import ")
            names_by_module.setdefault(module, set()).update(names.split(", "))
    merged = [
        f"from {module} import {', '.join(sorted(names))}"
        for module, names in sorted(names_by_module.items())
    ]
    return plain + merged


def keyword_item(key: str, value):
    """`key=value` as a call item; a bracketed value keeps wrapping as one group."""
    if isinstance(value, Group):
        return Group(f"{key}={value.open}", value.items, value.close)
    return f"{key}={value}"


class Names:
    """Unique, valid Python identifiers for layers and tensors, avoiding keywords and builtins."""

    def __init__(self, reserved: set[str]):
        self.used = set(reserved) | set(dir(builtins))

    def new(self, wanted: str) -> str:
        """An unused identifier as close to `wanted` as possible, e.g. '2nd-conv' -> '_2nd_conv'."""
        base = re.sub(r"\W", "_", wanted) or "x"
        if base[0].isdigit() or keyword.iskeyword(base):
            base = f"_{base}"
        name, n = base, 2
        while name in self.used:
            name, n = f"{base}_{n}", n + 1
        self.used.add(name)
        return name


# --- embedding classes defined in this project -------------------------------------------


@dataclass
class Embedded:
    """Source to paste into generated code: import lines, then definition blocks in order."""

    imports: list[str] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)
    future_annotations: bool = False
    names: set[str] = field(default_factory=set)  # every top-level name the blocks bind


def embed(objects: list, embeddable) -> Embedded:
    """The source of `objects` (classes or functions) with the module-level names they use.

    `embeddable(module_name)` says whether a dependency imported from another module should be
    pasted in as well (project code) rather than imported (keras, numpy, ...).
    """
    out, done = Embedded(), set()
    for obj in objects:
        _embed_one(obj, embeddable, out, done)
    return out


def _embed_one(obj, embeddable, out: Embedded, done: set) -> None:
    module = sys.modules[obj.__module__]
    source = inspect.getsource(module)
    tree = ast.parse(source)
    lines = source.splitlines()
    defs = _top_level_defs(tree)
    if obj.__name__ not in defs:
        raise CodegenError(f"{obj.__qualname__} is not defined at the top of {obj.__module__}.")
    out.future_annotations |= any(
        isinstance(n, ast.ImportFrom) and n.module == "__future__" for n in tree.body
    )
    pending = [obj.__name__]
    wanted: set[str] = set()
    while pending:
        name = pending.pop()
        if name in wanted or name not in defs:
            continue  # builtins and names bound inside functions
        wanted.add(name)
        node = defs[name]
        if isinstance(node, ast.alias):
            continue
        pending += [n.id for n in ast.walk(node) if isinstance(n, ast.Name)]
    for node in tree.body:
        _emit(node, wanted, module, lines, embeddable, out, done)


def _emit(node, wanted, module, lines, embeddable, out: Embedded, done: set) -> None:
    if isinstance(node, ast.Import | ast.ImportFrom):
        if isinstance(node, ast.ImportFrom) and (node.module == "__future__" or node.level):
            if node.level and any(_bound(a) in wanted for a in node.names):
                raise CodegenError(f"{module.__name__} uses a relative import; cannot embed it.")
            return
        for alias in node.names:
            if _bound(alias) not in wanted:
                continue
            target = getattr(module, _bound(alias), None)
            target_module = getattr(target, "__module__", None) or ""
            if (inspect.isclass(target) or inspect.isfunction(target)) and embeddable(
                target_module
            ):
                _embed_one(target, embeddable, out, done)
            else:
                line = _import_line(node, alias)
                if line not in out.imports:
                    out.imports.append(line)
        return
    names = _bound_names(node)
    if not names & wanted or (module.__name__, node.lineno) in done:
        return
    done.add((module.__name__, node.lineno))
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    out.blocks.append("\n".join(lines[first - 1 : node.end_lineno]))
    out.names |= names


def _bound(alias: ast.alias) -> str:
    return alias.asname or alias.name.split(".")[0]


def _import_line(node, alias: ast.alias) -> str:
    name = alias.name + (f" as {alias.asname}" if alias.asname else "")
    if isinstance(node, ast.Import):
        return f"import {name}"
    return f"from {node.module} import {name}"


def _bound_names(node) -> set[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {node.name}
    if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return set()


def _top_level_defs(tree: ast.Module) -> dict:
    """Top-level name -> the node that binds it (imports bind to their alias)."""
    defs: dict = {}
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                defs[_bound(alias)] = alias
        else:
            for name in _bound_names(node):
                defs[name] = node
    return defs


def call_output_name(layer_var: str, call: int, tied: bool) -> str:
    """The variable the generated code gives a layer call's output: `conv1_out2` for the
    second call of a layer called several times, `conv2_out` for a layer called once."""
    return f"{layer_var}_out" + (str(call) if tied else "")
