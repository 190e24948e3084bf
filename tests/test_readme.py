"""The README must stand alone: every setting read from the environment is documented
there, and it never sends a reader to files outside the repository."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
READS = re.compile(r'(?:env_bool|env_int|env_float|env_list|_env|os\.environ\.get)\("([A-Z_]+)"')


def variables_read() -> set[str]:
    found = set()
    for package in ("trustrepair", "guides", "journal"):
        for path in (ROOT / package).rglob("*.py"):
            if "tests" not in path.parts:
                found |= set(READS.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_environment_variable_the_app_reads_is_in_the_readme():
    names = variables_read()
    assert {"SECRET_KEY", "CACHE_URL"} <= names  # the scan finds them at all

    missing = sorted(name for name in names if f"`{name}`" not in README)

    assert not missing, f"document these in README.md: {missing}"


def test_the_readme_never_points_outside_the_repository():
    assert "../shared" not in README
    assert "DESIGN.md" not in README
