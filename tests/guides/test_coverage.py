import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from guides.content import CONTENT_DIR, Content
from guides.coverage import BRIEF_IDS, CoverageError, coverage_rows

COVERAGE = CONTENT_DIR / "COVERAGE.md"
ROW = re.compile(
    r"^\| (?P<id>[A-Z]\d+) \| (?P<title>[^|]+) \| \[(?P<path>[^\]]+)\]\((?P=path)\) \|$"
)


def table_rows() -> list[dict[str, str]]:
    lines = COVERAGE.read_text(encoding="utf-8").splitlines()
    return [match.groupdict() for line in lines if (match := ROW.match(line))]


def test_the_brief_has_145_ideas():
    assert len(BRIEF_IDS) == 145
    assert BRIEF_IDS[0] == "R1"
    assert BRIEF_IDS[-1] == "P14"


def test_every_lesson_file_the_table_names_exists():
    rows = table_rows()
    assert rows
    for row in rows:
        assert (CONTENT_DIR / row["path"]).is_file(), row["path"]


def test_every_brief_id_appears_exactly_once_in_the_table():
    ids = [row["id"] for row in table_rows()]
    assert sorted(ids) == sorted(BRIEF_IDS)
    assert len(ids) == len(set(ids)) == 145


def test_the_table_agrees_with_the_lessons_front_matter(real_content: Content):
    taught_by = {
        brief_id: lesson.path
        for lesson in real_content.lessons
        for brief_id in lesson.values["covers"]
    }
    assert {row["id"]: row["path"] for row in table_rows()} == taught_by


def test_the_committed_table_is_what_the_command_generates():
    out = StringIO()
    call_command("coverage", "--check", stdout=out)
    assert "up to date" in out.getvalue()


def test_the_check_fails_when_the_table_is_stale(tmp_path: Path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    (content / "COVERAGE.md").write_text("old\n")

    with pytest.raises(CommandError, match="out of date"):
        call_command("coverage", "--check", path=content, stdout=StringIO())
    call_command("coverage", path=content, stdout=StringIO())
    assert (content / "COVERAGE.md").read_text() == COVERAGE.read_text()


def test_a_gap_or_a_double_claim_is_refused():
    lessons = [("a.md", "A", list(BRIEF_IDS[:-1])), ("b.md", "B", ["R1"])]
    with pytest.raises(CoverageError) as error:
        coverage_rows(lessons)
    assert "P14 is not taught by any lesson" in error.value.problems
    assert "R1 is claimed by more than one lesson: a.md, b.md" in error.value.problems
