"""The house's rules, checked: boundaries between the parts, no import cycles, short modules.

README ("Layout of the code") says what each part does; these tests keep it true.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT_PACKAGES = ("models", "components")
MAX_MODULE_LINES = 250


def project_modules() -> dict[str, Path]:
    """Dotted name -> file of every module of the app (app.py, components/, models/)."""
    modules = {"app": ROOT / "app.py"}
    for package in PROJECT_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """Project modules that `path` imports anywhere in it, functions included."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            # `from pkg import name` imports the module pkg.name when there is one.
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(name for name in names if name in known)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    known = set(modules)
    return {name: imported_modules(path, known) - {name} for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each a cycle of imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_the_cycle_finder_finds_a_cycle_through_a_function_level_import(tmp_path):
    module = tmp_path / "a.py"
    module.write_text("import os\n\ndef f():\n    from b import g\n")
    graph = {"a": imported_modules(module, {"a", "b"}), "b": {"a"}}
    assert cycles(graph) == [["a", "b"]]


def test_no_import_cycles_among_the_projects_modules():
    assert cycles(import_graph()) == []


def test_imports_run_one_way():
    """app -> components -> models; analysis and codegen never reach architectures or training."""
    graph = import_graph()
    for module, targets in graph.items():
        if module.startswith("models"):
            assert not {t for t in targets if not t.startswith("models")}, module
        if module.startswith("components"):
            assert "app" not in targets, module
        if module.startswith(("models.analysis", "models.codegen")):
            below = {
                t for t in targets if t.startswith(("models.architectures", "models.training"))
            }
            assert not below, f"{module} imports {below}"


def test_package_inits_hold_no_code():
    """Empty package `__init__`s: importing one part of `models` never loads another."""
    for name, path in project_modules().items():
        if path.name == "__init__.py":
            tree = ast.parse(path.read_text(encoding="utf-8"))
            body = [n for n in tree.body if not isinstance(n, ast.Expr)]  # the docstring
            assert body == [], f"{name} runs code when imported"


def test_models_has_few_modules_of_its_own():
    top = [p for p in (ROOT / "models").glob("*.py") if p.name != "__init__.py"]
    assert len(top) <= 8, sorted(p.name for p in top)


def test_every_module_is_short():
    files = [ROOT / "app.py"]
    for folder in ("components", "models", "tests", "benchmarks"):
        files += (ROOT / folder).rglob("*.py")
    long = {
        str(path.relative_to(ROOT)): n
        for path in files
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_models_never_load_streamlit():
    """Every module under models/, imported in a fresh interpreter, leaves Streamlit unloaded."""
    names = sorted(n for n in project_modules() if n.startswith("models"))
    script = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_training_worker_imports_nothing_of_the_page():
    """Workers import app.py again as `__mp_main__` (multiprocessing's spawn, and its fork
    server's children, do it with runpy); they must load neither the views nor Streamlit (its
    caches log warnings)."""
    script = (
        "import runpy, sys\n"
        "runpy.run_path('app.py', run_name='__mp_main__')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('components', 'streamlit')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is a development dependency")
def test_ruff_enforces_the_boundaries():
    """`ruff check` passes; its banned-API rule (TID251) keeps Streamlit out of models/ and
    Keras/TensorFlow out of components/ (pyproject.toml, components/ruff.toml)."""
    done = subprocess.run(
        ["ruff", "check", "--output-format", "concise", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-3000:]


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is a development dependency")
@pytest.mark.parametrize(
    ("folder", "line", "banned"),
    [
        ("models", "import streamlit as st", "streamlit"),
        ("components", "from keras import layers", "keras"),
        ("components", "import tensorflow as tf", "tensorflow"),
    ],
)
def test_ruff_refuses_a_banned_import(folder, line, banned):
    probe = ROOT / folder / f"_banned_probe_{banned}.py"
    probe.write_text(f"{line}\n\nprint({line.split()[-1]})\n", encoding="utf-8")
    try:
        done = subprocess.run(
            ["ruff", "check", "--output-format", "concise", "--select", "TID251", str(probe)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        probe.unlink()
    assert done.returncode == 1 and f"`{banned}` is banned" in done.stdout


def test_components_are_grouped_by_tab_and_job():
    """No folder of the page is a flat slab: each holds at most ~10 files (README's layout)."""
    for folder in [ROOT / "components", *(ROOT / "components").glob("*/")]:
        files = [p for p in folder.iterdir() if p.suffix in (".py", ".js")]
        assert len(files) <= 10, (folder.name, sorted(p.name for p in files))


def test_views_name_session_keys_through_the_typed_session():
    """No view writes a session key as a bare string: the page's own keys are slots of
    `components.shell.session.Session`, the settings' widgets keep theirs under `Setting.key`."""
    bare = re.compile(r"""session_state\s*(\[|\.(get|pop|setdefault)\()\s*f?["']""")
    for path in [ROOT / "app.py", *(ROOT / "components").rglob("*.py")]:
        if path.name == "session.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not bare.search(line), f"{path.relative_to(ROOT)}:{number}: {line.strip()}"


def test_tests_are_kept_by_kind():
    """Unit, page (AppTest) and browser tests in their own folders; helpers in `support`."""
    assert sorted(p.name for p in (ROOT / "tests").glob("*.py")) == ["conftest.py"]
    page_drivers = {"streamlit.testing.v1", "support.page", "support.browser", "playwright"}
    for path in (ROOT / "tests" / "unit").glob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        used = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        assert not used & page_drivers, f"{path.name} drives the page: {used & page_drivers}"
    for path in (ROOT / "tests").rglob("test_*.py"):
        imports = imported_modules(path, {p.stem for p in (ROOT / "tests").rglob("test_*.py")})
        assert not imports, f"{path.name} imports another test file: {imports}"
