"""The architecture holds: dependencies point one way, no cycles, short functions, SQL in the
store, and a light CLI start (docs/ARCHITECTURE.md states the rule these tests check)."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from pipeline.config import PROJECT_ROOT

PACKAGES = ("pipeline", "search_api")
LAYERS: tuple[tuple[str, ...], ...] = (
    ("pipeline", "pipeline.config", "pipeline.errors", "pipeline.records", "pipeline.hashing"),
    ("pipeline.text",),
    ("pipeline.extract",),
    ("pipeline.embed",),
    ("pipeline.index",),
    ("pipeline.search",),
    ("pipeline.crosscheck",),
    ("pipeline.ingest",),
    ("pipeline.cli", "search_api"),
)
"""Lowest first: a module may import from its own layer and the layers below it, never above."""
MAX_FUNCTION_LINES = 60
HEAVY_MODULES = ("faiss", "torch", "onnxruntime", "spacy", "ray")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> dict[str, Path]:
    return {_module_name(p): p for package in PACKAGES for p in sorted((PROJECT_ROOT / package).rglob("*.py"))}


def _imports(path: Path) -> set[str]:
    """Every module of ours that a file imports, at any depth (function-level imports count)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.split(".")[0] in PACKAGES + ("models",)}


def _graph() -> dict[str, set[str]]:
    sources = _sources()
    return {
        module: {name for name in _imports(path) if name in sources and name != module} | (
            {name for name in _imports(path) if name.split(".")[0] == "models"}
        )
        for module, path in sources.items()
    }


def _layer(module: str) -> int:
    best = (-1, -1)  # (length of the matching prefix, layer)
    for index, layer in enumerate(LAYERS):
        for prefix in layer:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best[0]:
                best = (len(prefix), index)
    assert best[1] >= 0, f"{module} belongs to no layer: add it to LAYERS and docs/ARCHITECTURE.md"
    return best[1]


def _subpackage(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "pipeline" and len(parts) > 2 else module


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_imports_point_down_the_layers() -> None:
    wrong = [
        f"{module} (layer {_layer(module)}) imports {name} (layer {_layer(name)})"
        for module, names in _graph().items()
        for name in names
        if name.split(".")[0] != "models" and _layer(name) > _layer(module)
    ]
    assert not wrong, "\n".join(wrong)


def test_the_product_never_imports_the_model_tools() -> None:
    offenders = [m for m, names in _graph().items() for n in names if n.split(".")[0] == "models"]
    assert not offenders, offenders


def test_no_cycles_between_modules_or_subpackages() -> None:
    graph = {m: {n for n in names if n.split(".")[0] != "models"} for m, names in _graph().items()}
    assert _cycles(graph) == []
    packages: dict[str, set[str]] = defaultdict(set)
    for module, names in graph.items():
        packages[_subpackage(module)].update(_subpackage(n) for n in names if _subpackage(n) != _subpackage(module))
    assert _cycles(dict(packages)) == []


def test_no_function_is_longer_than_sixty_lines() -> None:
    long = [
        f"{path.relative_to(PROJECT_ROOT)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for path in _sources().values()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, "\n".join(long)


@pytest.mark.parametrize("keyword", ["SELECT ", "INSERT ", "DELETE FROM", "CREATE TABLE", ".execute("])
def test_sql_lives_in_the_store_only(keyword: str) -> None:
    store = PROJECT_ROOT / "pipeline" / "index" / "store.py"
    outside = [str(p.relative_to(PROJECT_ROOT)) for p in _sources().values() if p != store and keyword in p.read_text(encoding="utf-8")]
    assert not outside, outside


def test_cli_help_loads_no_heavy_module() -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from pipeline.cli import app\n"
        "result = CliRunner().invoke(app, ['--help'])\n"
        "assert result.exit_code == 0, result.output\n"
        f"print(sorted(m for m in {HEAVY_MODULES!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", done.stdout
