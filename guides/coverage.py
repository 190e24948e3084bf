"""Which lesson teaches which idea of the content brief (shared/content-brief.md).

guides/content/COVERAGE.md is generated from the lessons' `covers` front matter by
`manage.py coverage`, so the table can never drift from the lessons themselves.
"""

from collections.abc import Iterable
from dataclasses import dataclass

# Section letter and number of ideas, in the order of the content brief.
BRIEF_SECTIONS = (
    ("R", 37, "Roots of distrust"),
    ("O", 50, "Overcoming distrust"),
    ("C", 14, "Rebuilding connection"),
    ("B", 30, "Boundaries, safety and when to step back"),
    ("P", 14, "Professional help"),
)
BRIEF_IDS = tuple(
    f"{letter}{number}" for letter, count, _ in BRIEF_SECTIONS for number in range(1, count + 1)
)
_KNOWN = frozenset(BRIEF_IDS)

HEADER = """# Content coverage

Every idea of the content brief (`shared/content-brief.md`) and the lesson file that
teaches it. Generated from the lessons' `covers` front matter by
`python manage.py coverage`; do not edit by hand.

| ID | Lesson | File |
| --- | --- | --- |
"""


def is_brief_id(value: str) -> bool:
    return value in _KNOWN


@dataclass(frozen=True)
class CoveredBy:
    brief_id: str
    title: str
    path: str  # relative to guides/content, e.g. roots-of-distrust/01-what-trust-is.md


class CoverageError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def coverage_rows(lessons: Iterable[tuple[str, str, list[str]]]) -> list[CoveredBy]:
    """(path, title, covers) per lesson -> one row per brief ID, in brief order.

    Every ID must be taught by exactly one lesson: a gap means an idea the guides skip,
    a duplicate means the table could not say where to read about it.
    """
    found: dict[str, list[tuple[str, str]]] = {}
    for path, title, covers in lessons:
        for brief_id in covers:
            found.setdefault(brief_id, []).append((path, title))
    problems = [f"{bid} is not taught by any lesson" for bid in BRIEF_IDS if bid not in found]
    problems += [
        f"{bid} is claimed by more than one lesson: {', '.join(p for p, _ in where)}"
        for bid, where in found.items()
        if len(where) > 1
    ]
    problems += [
        f"{bid} is not an ID of the content brief" for bid in found if not is_brief_id(bid)
    ]
    if problems:
        raise CoverageError(problems)
    return [CoveredBy(bid, found[bid][0][1], found[bid][0][0]) for bid in BRIEF_IDS]


def render_table(rows: list[CoveredBy]) -> str:
    lines = [
        f"| {row.brief_id} | {row.title.replace('|', '/')} | [{row.path}]({row.path}) |"
        for row in rows
    ]
    return HEADER + "\n".join(lines) + "\n"
