"""The shape of the house (DESIGN.md): core/ imports no door, the doors never import each
other, web/ (the edge shared by the doors) imports none of them, and the words people use
(vocabulary/, receipts/) import no door. Read from the source, so it fails on the commit
that breaks it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOORS = ("ivr", "sms", "console", "appstore")


def imports_of(package: str) -> dict[str, set[str]]:
    """Top-level packages each module of ``package`` imports, by module path."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        names: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


@pytest.mark.parametrize("package, forbidden", [
    ("core", DOORS + ("web", "vocabulary", "receipts", "flask")),
    ("web", DOORS),
    ("vocabulary", DOORS + ("web",)),
    *[(door, tuple(d for d in DOORS if d != door)) for door in DOORS],
])
def test_imports_follow_the_design(package, forbidden):
    assert (ROOT / package).is_dir(), f"{package}/ is gone: the design names it"
    wrong = {module: sorted(names & set(forbidden)) for module, names in imports_of(package).items()
             if names & set(forbidden)}
    assert wrong == {}
