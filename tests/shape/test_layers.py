"""The house: layers that import only downwards (the contract in .importlinter, checked here too
over the same import graph), no import cycle between modules or between packages, and core
knowing no domain. Each check is also shown to fail on an import that breaks it."""
from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / ".importlinter"


def layers() -> list[set[str]]:
    """The layers of .importlinter, top first: each a set of the modules on its line."""
    parser = configparser.ConfigParser()
    parser.read(CONFIG)
    lines = [line.strip() for line in parser["importlinter:contract:layers"]["layers"].splitlines() if line.strip()]
    return [{name.strip() for name in line.split("|")} for line in lines]


def graph() -> grimp.ImportGraph:
    return grimp.build_graph("volunteer", include_external_packages=False, exclude_type_checking_imports=True)


def _owner(module: str, names: set[str]) -> str | None:
    return next((n for n in names if module == n or module.startswith(n + ".")), None)


def upward_imports(g: grimp.ImportGraph) -> list[str]:
    """Imports from a layer to one above it, or between independent names of one layer; the
    composition root ``volunteer`` (create_app) stands above every layer."""
    stack = layers()
    everything = set().union(*stack)
    rank = {name: index for index, line in enumerate(stack) for name in line}
    rank["volunteer"] = -1
    found = []
    for importer in sorted(g.modules):
        low = _owner(importer, everything)
        if low is None:
            continue
        for imported in sorted(g.find_modules_directly_imported_by(importer)):
            high = "volunteer" if imported == "volunteer" else _owner(imported, everything)
            if high is not None and high != low and rank[high] <= rank[low]:
                found.append(f"{importer} -> {imported}")
    return found


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan)."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def module_edges(g: grimp.ImportGraph, depth: int | None = None) -> dict[str, set[str]]:
    """Imports between modules, or between the packages ``depth`` names deep (``volunteer.ledger``
    at 2). The composition root ``volunteer`` imports everything: anything importing it back
    closes a cycle."""
    def group(module: str) -> str:
        return ".".join(module.split(".")[:depth]) if depth else module

    edges: dict[str, set[str]] = {}
    for importer in g.modules:
        for imported in g.find_modules_directly_imported_by(importer):
            a, b = group(importer), group(imported)
            if a != b:
                edges.setdefault(a, set()).add(b)
    return edges


def test_layers_import_only_downwards():
    assert upward_imports(graph()) == []


def test_no_import_cycle_between_modules_or_packages():
    g = graph()
    assert cycles(module_edges(g)) == []
    for depth in (2, 3):
        assert cycles(module_edges(g, depth)) == [], depth


def test_core_knows_no_domain():
    g = graph()
    domain_packages = set().union(*layers()[:-2])  # everything above core and the extensions
    found = [f"{m} -> {i}" for m in g.modules if m.startswith("volunteer.core")
             for i in g.find_modules_directly_imported_by(m) if _owner(i, domain_packages)]
    assert found == []


def test_an_upward_import_and_a_cycle_are_caught():
    g = graph()
    g.add_import(importer="volunteer.core.audit", imported="volunteer.ledger.models")
    assert "volunteer.core.audit -> volunteer.ledger.models" in upward_imports(g)
    g = graph()
    g.add_import(importer="volunteer.ledger.models", imported="volunteer.ledger.services.decisions")
    assert any("volunteer.ledger.models" in c for c in cycles(module_edges(g)))
    g = graph()
    g.add_import(importer="volunteer.projects.models", imported="volunteer.checkin.models")
    assert any({"volunteer.checkin", "volunteer.projects"} <= set(c) for c in cycles(module_edges(g, 2)))
    g = graph()
    g.add_import(importer="volunteer.core.jobs", imported="volunteer")  # ``from volunteer import create_app``
    assert "volunteer.core.jobs -> volunteer" in upward_imports(g)
    assert any("volunteer.core.jobs" in c for c in cycles(module_edges(g)))


def test_import_linter_keeps_the_contract():
    found = shutil.which("lint-imports", path=os.path.dirname(sys.executable)) or shutil.which("lint-imports")
    if found is None:
        pytest.fail("import-linter is not installed: make install-dev")
    result = subprocess.run([found, "--config", str(CONFIG)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
