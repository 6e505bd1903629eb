"""Dependencies and the install: every third-party module sheetsync imports is declared, the
README's CI example installs pinned versions, and `make test` installs nothing as root."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# import name -> distribution name, where they differ
DISTRIBUTION = {"google": "google-auth", "re2": "google-re2", "yaml": "pyyaml"}


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {re.split(r"[<>=!~\[ ;]", d, maxsplit=1)[0].lower() for d in project["dependencies"]}


def _imported() -> set[str]:
    """Top-level third-party modules imported anywhere in the package (the emulator included)."""
    names = set()
    for path in (ROOT / "sheetsync").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n not in ("sheetsync", "__future__")}


def test_every_imported_package_is_declared() -> None:
    declared = _declared()
    missing = sorted(DISTRIBUTION.get(n, n) for n in _imported() if DISTRIBUTION.get(n, n).lower() not in declared)
    assert missing == [], f"imported but not in pyproject's dependencies: {missing}"


def test_constraints_pin_every_declared_dependency() -> None:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[name.lower().replace("_", "-")] = version
    assert all(pins.values())
    unpinned = sorted(d for d in _declared() if d.replace("_", "-") not in pins)
    assert unpinned == []


def test_the_readme_ci_example_installs_pinned_versions() -> None:
    readme = (ROOT / "README.md").read_text()
    installs = re.findall(r"^\s*- run: (pip install .*)$", readme, re.M)
    assert installs and all("-c constraints.txt" in i for i in installs), installs


def test_make_test_installs_nothing_as_root() -> None:
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^test:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe is not None
    assert "ensure-chromium" not in recipe.group(1) and "apt-get" not in recipe.group(1)
    assert re.search(r"^browser:.*\n\t\./scripts/ensure-chromium", makefile, re.M)   # an explicit step
