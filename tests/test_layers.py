"""Imports point one way: operations -> runtime -> store / sites / extraction -> helpers.

Every import in crawler/ (at the top of a module or inside a function) is checked against the
layer it may use, so a shortcut that would tangle the layers fails here.
"""

from __future__ import annotations

import ast

from tests.conftest import ROOT

# A package (or module) of crawler/ -> the packages it may import from (itself always).
ALLOWED: dict[str, set[str]] = {
    "helpers": set(),
    "items": {"helpers"},
    "discovery": {"helpers"},
    "extraction": {"helpers", "items"},
    "sites": {"discovery", "extraction", "helpers", "items"},
    "parse": {"sites", "discovery", "extraction", "helpers", "items"},
    "store": {"helpers", "items"},
    "linking": {"sites", "store", "helpers", "items"},
    "settings": {"store"},  # the Secret wrapper for MONGO_URI
    "runtime": {"linking", "parse", "sites", "discovery", "extraction", "store", "helpers", "items"},
    "ops": {"runtime", "linking", "parse", "sites", "discovery", "extraction", "store", "helpers", "items"},
    "__main__": {"ops"},
}


def _layer(module: str) -> str:
    return module.split(".")[1] if module.count(".") else module


def imports_of(path: str) -> set[str]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.update(f"{node.module}.{alias.name}" if node.module == "crawler" else node.module for alias in node.names)
    return found


def test_every_import_in_crawler_points_down_the_layers() -> None:
    wrong: list[str] = []
    for path in sorted((ROOT / "crawler").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        parts = relative.removesuffix(".py").split("/")
        layer = parts[1] if len(parts) > 1 else parts[0]
        if layer == "__init__":
            continue
        assert layer in ALLOWED, f"{relative}: a layer this test does not know"
        for imported in imports_of(relative):
            top = imported.split(".")[0]
            if top in ("pipelines", "spiders", "tests", "bench"):
                wrong.append(f"{relative} imports {imported}")
            elif top == "crawler" and (target := _layer(imported)) != layer and target not in ALLOWED[layer]:
                wrong.append(f"{relative} ({layer}) imports {imported} ({target})")
    assert wrong == []


def test_the_layers_themselves_are_acyclic() -> None:
    seen: set[str] = set()

    def visit(layer: str, trail: tuple[str, ...]) -> None:
        assert layer not in trail, f"cycle: {' -> '.join((*trail, layer))}"
        if layer in seen:
            return
        for lower in ALLOWED[layer]:
            visit(lower, (*trail, layer))
        seen.add(layer)

    for layer in ALLOWED:
        visit(layer, ())
