"""Imports run one way: journal.sharing, journal.couples and journal.reminders use the
journal; the journal uses the guides; everything uses trustrepair; never the reverse."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FEATURE_APPS = ("journal.sharing", "journal.couples", "journal.reminders")


def package_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    for app in FEATURE_APPS:
        if parts[: len(app.split("."))] == tuple(app.split(".")):
            return app
    return parts[0]


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def app_code() -> list[Path]:
    return [
        path
        for package in ("trustrepair", "guides", "journal")
        for path in (ROOT / package).rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    ]


# What each part of the app may import from the project (beside itself).
ALLOWED = {
    "trustrepair": set(),
    "guides": {"trustrepair"},
    "journal": {"guides", "trustrepair"},
    **{app: {"journal", "guides", "trustrepair"} for app in FEATURE_APPS},
}


def project_part(module: str) -> str | None:
    for app in FEATURE_APPS:
        if module == app or module.startswith(app + "."):
            return app
    top = module.split(".")[0]
    return top if top in ALLOWED else None


@pytest.mark.parametrize("part", sorted(ALLOWED))
def test_imports_run_one_way(part):
    wrong = []
    for path in app_code():
        if package_of(path) != part:
            continue
        for module in imports_of(path):
            target = project_part(module)
            if target and target != part and target not in ALLOWED[part]:
                wrong.append(f"{path.relative_to(ROOT)} imports {module}")
    assert not wrong, wrong


def test_the_scan_sees_the_apps_code():
    parts = {package_of(path) for path in app_code()}
    assert parts == set(ALLOWED)
