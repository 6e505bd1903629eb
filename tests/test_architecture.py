"""The house's wings and the one direction their dependencies point.

Every import counts, the function-local ones too (they are late for speed, not
to hide an arrow).  The product's wings, bottom to top:

    base (sheetsync/*.py) <- core <- sheets <- sync <- journal <- reports <- fleet <- demo <- cli

A module may import its own wing and the wings below it.  The emulator is a
separate wing: it imports nothing of the rest, and only the demo and the CLI
(which start it) import it.  No circles, inside a wing or across wings.
gspread, requests and google-auth are the sheets wing's business alone.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "sheetsync"
WINGS = ("base", "core", "sheets", "sync", "journal", "reports", "fleet", "demo", "cli")
USES_EMULATOR = {"demo", "cli"}
GATEWAY_LIBRARIES = ("gspread", "requests", "google")


def _module_names() -> dict[str, Path]:
    names = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


MODULES = _module_names()


def _imported(module: str, node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module.split(".")
        if MODULES[module].name != "__init__.py":
            package = package[:-1]
        package = package[:len(package) - node.level + 1]
        base = ".".join(package + ([base] if base else []))
    return [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]


def _owner(name: str) -> str | None:
    """The product module a dotted import name lands in (a package's __init__ included)."""
    while name not in MODULES and "." in name:
        name = name.rsplit(".", 1)[0]
    return name if name in MODULES else None


def _imports(module: str) -> tuple[set[str], set[str]]:
    """(product modules, third-party top-level names) that `module` imports anywhere in its body."""
    product, libraries = set(), set()
    for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        for name in _imported(module, node):
            if name.split(".")[0] != "sheetsync":
                if not (isinstance(node, ast.ImportFrom) and node.level):
                    libraries.add(name.split(".")[0])
                continue
            owner = _owner(name)
            # a package's own __init__ is not an arrow back up from the modules inside it
            if owner and owner != module and not module.startswith(owner + "."):
                product.add(owner)
    return product, libraries


EDGES = {module: _imports(module)[0] for module in MODULES}


def wing(module: str) -> str:
    parts = module.split(".")
    if module == "sheetsync.__main__":
        return "cli"                     # `python -m sheetsync` is the CLI's door
    if len(parts) > 1 and (PACKAGE / parts[1]).is_dir():
        return parts[1]
    return "base"


def test_every_package_is_a_known_wing() -> None:
    wings = {wing(m) for m in MODULES}
    assert wings <= set(WINGS) | {"emulator"}, wings - set(WINGS)


def test_dependencies_point_down_the_wings() -> None:
    wrong = []
    for module, targets in EDGES.items():
        for target in targets:
            here, there = wing(module), wing(target)
            if "emulator" in (here, there):
                if here != there and not (there == "emulator" and here in USES_EMULATOR) and target != "sheetsync":
                    wrong.append(f"{module} -> {target}")
            elif WINGS.index(there) > WINGS.index(here):
                wrong.append(f"{module} -> {target}  ({here} imports {there}, which sits above it)")
    assert not wrong, "imports against the direction of the wings:\n" + "\n".join(sorted(wrong))


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
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
    return found


def test_circles_are_found() -> None:
    """The detector itself: a planted circle is reported, a chain is not."""
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_no_import_circles() -> None:
    found = circles(EDGES)
    assert not found, "import circles:\n" + "\n".join(" <-> ".join(c) for c in found)


@pytest.mark.parametrize("library", GATEWAY_LIBRARIES)
def test_only_the_gateway_imports_google_libraries(library: str) -> None:
    users = sorted(m for m in MODULES if wing(m) not in ("sheets", "emulator") and library in _imports(m)[1])
    assert not users, f"{library} imported outside sheetsync.sheets: {users}"
