"""The package layout keeps the README's flow: imports only point down the layers, no cycles, small modules.

Layers of ``biwaq_data`` (a module may import its own layer and any layer below it)::

    store > publish > figures > ingest > places > shared (texts_de, errors, formatting)

``tools`` (sample generator, benchmark) may import any layer; no layer imports ``tools``. Read with ``ast``
over every import statement (function-level imports included), so a lazy import cannot hide a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "biwaq_data"
RANK = {"shared": 0, "places": 1, "ingest": 2, "figures": 3, "publish": 4, "store": 5, "tools": 6}
SHARED = {"texts_de", "errors", "formatting"}
MAX_LINES = 600
LONG_ALLOWED = {"biwaq_data.texts_de"}  # every German word of the interface, on purpose in one place


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) < 2:
        return None  # the package's public face
    return "shared" if parts[1] in SHARED else parts[1]


def _imports(module: str, path: Path, known: set[str]) -> set[str]:
    """biwaq_data modules imported by one module (`from . import x` resolves to the submodule x)."""
    is_package = path.name == "__init__.py"
    base = module.split(".") if is_package else module.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("biwaq_data"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[:len(base) - node.level + 1]
                target = ".".join(anchor + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("biwaq_data"):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in known else target)
    return {m for m in found if m != module}


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {m: {t for t in _imports(m, p, known) if t in known} for m, p in modules.items()}


def test_every_module_sits_in_a_known_layer():
    for module in _modules():
        layer = _layer(module)
        assert layer is None or layer in RANK, f"{module}: unknown folder {layer!r}; add it to the layer list"


def test_imports_point_down_the_layers(graph):
    upward = []
    for module, targets in graph.items():
        layer = _layer(module)
        if layer is None:
            continue
        for target in targets:
            t_layer = _layer(target)
            if t_layer is None:
                upward.append(f"{module} imports the package face {target} (import the module itself)")
            elif t_layer == "tools" and layer != "tools":
                upward.append(f"{module} imports the tool {target}")
            elif layer != "tools" and RANK[t_layer] > RANK[layer]:
                upward.append(f"{module} ({layer}) imports {target} ({t_layer})")
    assert not upward, "upward imports:\n" + "\n".join(sorted(upward))


def test_no_import_cycle(graph):
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            pytest.fail("import cycle: " + " -> ".join(cycle))


def test_data_layer_never_imports_streamlit():
    """The layers never import Streamlit (the benchmark in tools/ drives pages with AppTest, so it may)."""
    for module, path in _modules().items():
        if _layer(module) == "tools":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.split(".")[0] == "streamlit" for n in names), f"{module} imports streamlit"


def test_modules_stay_small():
    long = {m: len(p.read_text(encoding="utf-8").splitlines()) for m, p in _modules().items()}
    too_long = {m: n for m, n in long.items() if n > MAX_LINES and m not in LONG_ALLOWED}
    assert not too_long, f"split these along their concepts (> {MAX_LINES} lines): {too_long}"


def test_checker_sees_a_planted_upward_import(tmp_path):
    """The checker itself: an upward import written into a figures module is reported."""
    known = {"biwaq_data.figures.metrics", "biwaq_data.publish.publication"}
    planted = tmp_path / "metrics.py"
    planted.write_text("def f():\n    from ..publish import publication\n", encoding="utf-8")
    assert _imports("biwaq_data.figures.metrics", planted, known) == {"biwaq_data.publish.publication"}
