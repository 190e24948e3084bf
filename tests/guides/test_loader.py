from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guides.content import ContentError, read_content
from guides.loader import sync
from guides.models import Lesson, LessonProgress, Stage
from tests.guides.helpers import lesson_file, open_lesson, write_lesson
from tests.helpers import make_user

pytestmark = pytest.mark.django_db


def database_snapshot() -> list[tuple]:
    stages = list(Stage.objects.order_by("slug").values_list("slug", "title", "position"))
    lessons = list(
        Lesson.objects.order_by("slug").values_list(
            "slug", "stage__slug", "position", "content_hash", "source_path", "retired"
        )
    )
    return stages + lessons


def test_loading_creates_the_stages_and_lessons_in_course_order(content_dir: Path):
    report = sync(content_dir)

    assert report.stages_created == ["first-steps", "next-steps"]
    assert sorted(report.created) == ["alpha", "beta", "gamma"]
    assert list(Lesson.objects.in_course_order().values_list("slug", flat=True)) == [
        "alpha",
        "beta",
        "gamma",
    ]
    alpha = Lesson.objects.get(slug="alpha")
    assert alpha.stage.slug == "first-steps"
    assert alpha.source_path == "first-steps/01-alpha.md"
    assert alpha.try_this_strategy == "self_awareness"
    assert alpha.takeaways == ["First point.", "Second point.", "Third point."]
    assert len(alpha.content_hash) == 64


def test_markdown_is_rendered_once_with_heading_ids_and_a_table_of_contents(content_dir: Path):
    extra = "\n## What next\n\n| Helps | Hurts |\n|:--|--:|\n| Calm | Shouting |\n"
    write_lesson(content_dir, "first-steps", "01-alpha.md", lesson_file("alpha", 1, extra=extra))
    sync(content_dir)

    alpha = Lesson.objects.get(slug="alpha")
    assert '<h2 id="why-it-matters">Why it matters</h2>' in alpha.body_html
    assert "<table>" in alpha.body_html
    assert 'align="left"' in alpha.body_html
    assert "style=" not in alpha.body_html
    assert alpha.toc == [
        {"id": "why-it-matters", "title": "Why it matters"},
        {"id": "example-a-quiet-evening", "title": "Example: a quiet evening"},
        {"id": "what-next", "title": "What next"},
    ]
    assert "Why it matters.\nSome words here." in alpha.body_text


def test_raw_html_in_a_lesson_is_sanitised(content_dir: Path):
    extra = (
        '\n<script>alert(1)</script>\n\n<p onclick="steal()" style="color:red">Hi</p>\n\n'
        "[click](javascript:alert(1)) and [safety](/safety/)\n"
    )
    write_lesson(content_dir, "first-steps", "01-alpha.md", lesson_file("alpha", 1, extra=extra))
    sync(content_dir)

    html = Lesson.objects.get(slug="alpha").body_html
    assert "<script" not in html
    assert "onclick" not in html
    assert "style=" not in html
    assert "javascript:" not in html
    assert '<a href="/safety/"' in html


def test_word_count_and_reading_time_come_from_the_body(content_dir: Path):
    write_lesson(content_dir, "first-steps", "01-alpha.md", lesson_file("alpha", 1, words=1000))
    sync(content_dir)

    alpha, beta = Lesson.objects.get(slug="alpha"), Lesson.objects.get(slug="beta")
    assert alpha.word_count == 1001
    assert alpha.reading_minutes == 5
    assert beta.word_count == 521
    assert beta.reading_minutes == 3


def test_loading_twice_writes_nothing_the_second_time(content_dir: Path):
    sync(content_dir)
    before = list(Lesson.objects.order_by("slug").values_list("slug", "updated_at"))

    with CaptureQueriesContext(connection) as queries:
        report = sync(content_dir)

    writes = [
        q["sql"] for q in queries if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]
    assert writes == []
    assert report.changed == 0
    assert sorted(report.unchanged) == ["alpha", "beta", "gamma"]
    assert report.summary().endswith("0 changed.")
    assert list(Lesson.objects.order_by("slug").values_list("slug", "updated_at")) == before


def test_an_edited_file_updates_only_that_lesson(content_dir: Path):
    sync(content_dir)
    text = lesson_file("beta", 2, title="A better title")
    write_lesson(content_dir, "first-steps", "02-beta.md", text)

    report = sync(content_dir)

    assert report.updated == ["beta"]
    assert sorted(report.unchanged) == ["alpha", "gamma"]
    assert Lesson.objects.get(slug="beta").title == "A better title"


def test_a_removed_file_retires_its_lesson_and_keeps_reading_progress(content_dir: Path):
    sync(content_dir)
    user = make_user()
    beta = Lesson.objects.get(slug="beta")
    open_lesson(user, "beta")
    (content_dir / "first-steps" / "02-beta.md").unlink()

    report = sync(content_dir)

    assert report.retired == ["beta"]
    assert any("Retired: beta" in note for note in report.notes)
    beta.refresh_from_db()
    assert beta.retired
    assert LessonProgress.objects.filter(user=user, lesson=beta).exists()
    assert sync(content_dir).changed == 0


def test_a_lesson_whose_file_comes_back_is_restored(content_dir: Path):
    sync(content_dir)
    path = content_dir / "first-steps" / "02-beta.md"
    text = path.read_text()
    path.unlink()
    sync(content_dir)
    path.write_text(text)

    report = sync(content_dir)

    assert report.updated == ["beta"]
    assert any("Restored: beta" in note for note in report.notes)
    assert not Lesson.objects.get(slug="beta").retired


def test_a_renamed_file_with_the_same_slug_is_reported_as_moved(content_dir: Path):
    sync(content_dir)
    old = content_dir / "first-steps" / "02-beta.md"
    old.rename(content_dir / "first-steps" / "02-beta-renamed.md")

    report = sync(content_dir)

    assert report.updated == ["beta"]
    assert report.retired == []
    assert any("Moved: beta" in note for note in report.notes)
    assert Lesson.objects.get(slug="beta").source_path == "first-steps/02-beta-renamed.md"


def test_a_lesson_moved_to_another_stage_keeps_its_progress(content_dir: Path):
    sync(content_dir)
    user = make_user()
    beta = Lesson.objects.get(slug="beta")
    open_lesson(user, "beta")
    (content_dir / "first-steps" / "02-beta.md").unlink()
    write_lesson(content_dir, "next-steps", "02-beta.md", lesson_file("beta", 2))

    sync(content_dir)

    beta.refresh_from_db()
    assert beta.stage.slug == "next-steps"
    assert LessonProgress.objects.filter(lesson=beta).count() == 1


def test_a_changed_slug_retires_the_old_lesson_and_says_it_was_renamed(content_dir: Path):
    sync(content_dir)
    write_lesson(content_dir, "first-steps", "02-beta.md", lesson_file("beta-two", 2))

    report = sync(content_dir)

    assert report.created == ["beta-two"]
    assert report.retired == ["beta"]
    assert any("Renamed: beta is now beta-two" in note for note in report.notes)
    assert Lesson.objects.get(slug="beta").retired


def test_stages_can_swap_positions(content_dir: Path):
    sync(content_dir)
    stages = yaml.safe_load((content_dir / "stages.yaml").read_text())
    stages[0]["position"], stages[1]["position"] = 2, 1
    (content_dir / "stages.yaml").write_text(yaml.safe_dump(stages))

    report = sync(content_dir)

    assert sorted(report.stages_updated) == ["first-steps", "next-steps"]
    assert list(Stage.objects.values_list("slug", flat=True)) == ["next-steps", "first-steps"]
    assert sync(content_dir).changed == 0


def test_a_dry_run_saves_nothing(content_dir: Path):
    report = sync(content_dir, dry_run=True)

    assert len(report.created) == 3
    assert not Lesson.objects.exists()
    assert not Stage.objects.exists()


def _edit(name: str, **overrides) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        slug, order = {"01-alpha.md": ("alpha", 1), "02-beta.md": ("beta", 2)}[name]
        text = lesson_file(slug, order, **overrides)
        write_lesson(root, "first-steps", name, text)

    return change


def _write(name: str, text: str) -> Callable[[Path], None]:
    return lambda root: write_lesson(root, "first-steps", name, text)


def _unknown_stage(root: Path) -> None:
    write_lesson(root, "elsewhere", "01-delta.md", lesson_file("delta", 1))


def _no_stages_file(root: Path) -> None:
    (root / "stages.yaml").unlink()


BROKEN = {
    "bad YAML": (
        _write("02-beta.md", "---\ntitle: [unclosed\n---\n\nBody\n"),
        "first-steps/02-beta.md: front matter is not valid YAML",
    ),
    "no front matter": (
        _write("02-beta.md", "## Just a body\n"),
        "first-steps/02-beta.md: no front matter",
    ),
    "missing field": (
        _edit("02-beta.md", summary=None),
        "first-steps/02-beta.md: missing 'summary'",
    ),
    "unknown field": (
        _edit("02-beta.md", sumary="typo"),
        "first-steps/02-beta.md: unknown 'sumary'",
    ),
    "unknown stage directory": (
        _unknown_stage,
        "elsewhere/: unknown stage directory",
    ),
    "no stages file": (_no_stages_file, "stages.yaml: missing"),
    "bad audience": (
        _edit("02-beta.md", audience="everyone"),
        "first-steps/02-beta.md: audience 'everyone' should be one of",
    ),
    "bad strategy": (
        _edit("02-beta.md", try_this={"text": "t", "commitment": "c", "strategy": "magic"}),
        "first-steps/02-beta.md: try_this strategy 'magic' should be one of",
    ),
    "too few takeaways": (
        _edit("02-beta.md", takeaways=["One.", "Two."]),
        "first-steps/02-beta.md: 2 takeaways; a lesson should have 3 to 5",
    ),
    "too many takeaways": (
        _edit("02-beta.md", takeaways=["A.", "B.", "C.", "D.", "E.", "F."]),
        "first-steps/02-beta.md: 6 takeaways; a lesson should have 3 to 5",
    ),
    "no example section": (
        _write("02-beta.md", lesson_file("beta", 2).replace("## Example:", "## Story:")),
        "first-steps/02-beta.md: no '## Example:' section",
    ),
    "too few words": (
        _write("02-beta.md", lesson_file("beta", 2, words=100)),
        "first-steps/02-beta.md: 101 words; a lesson body should have 500 to 1200",
    ),
    "too many words": (
        _write("02-beta.md", lesson_file("beta", 2, words=1300)),
        "first-steps/02-beta.md: 1301 words; a lesson body should have 500 to 1200",
    ),
    "unknown brief ID": (
        _edit("02-beta.md", covers=["R1", "Z9"]),
        "first-steps/02-beta.md: covers has unknown content brief IDs: Z9",
    ),
    "duplicate slug": (
        _write("03-copy.md", lesson_file("beta", 3)),
        "first-steps/03-copy.md: slug 'beta' is already used by first-steps/02-beta.md",
    ),
    "duplicate order": (
        _write("03-other.md", lesson_file("other", 2)),
        "first-steps/03-other.md: order 2 is already used by first-steps/02-beta.md",
    ),
    "a gap in the lesson order": (
        _write("02-beta.md", lesson_file("beta", 3)),
        "first-steps/: lesson orders should run from 1 to 2 without gaps (found 1, 3)",
    ),
    "order is not a number": (
        _write("02-beta.md", lesson_file("beta", 2).replace("order: 2", "order: second")),
        "first-steps/02-beta.md: order should be a whole number from 1",
    ),
}


@pytest.mark.parametrize(("breakage", "message"), BROKEN.values(), ids=BROKEN.keys())
def test_a_malformed_file_stops_the_load_and_leaves_the_database_as_it_was(
    content_dir: Path, breakage: Callable[[Path], None], message: str
):
    sync(content_dir)
    # A valid change alongside the broken one must not be saved either.
    write_lesson(content_dir, "first-steps", "01-alpha.md", lesson_file("alpha", 1, title="New"))
    before = database_snapshot()
    breakage(content_dir)

    with pytest.raises(ContentError) as error:
        sync(content_dir)

    assert any(problem.startswith(message) for problem in error.value.problems), (
        error.value.problems
    )
    assert database_snapshot() == before


def test_every_problem_is_reported_at_once(content_dir: Path):
    _edit("01-alpha.md", audience="everyone")(content_dir)
    _edit("02-beta.md", takeaways=["Only one."])(content_dir)

    with pytest.raises(ContentError) as error:
        read_content(content_dir)

    assert len(error.value.problems) == 2


def test_the_command_prints_a_summary_and_reports_nothing_changed_the_second_time(
    content_dir: Path,
):
    first, second = StringIO(), StringIO()
    call_command("sync_guides", path=content_dir, stdout=first)
    call_command("sync_guides", path=content_dir, stdout=second)

    assert "Lessons: 3 created, 0 updated, 0 unchanged, 0 retired." in first.getvalue()
    assert "Lessons: 0 created, 0 updated, 3 unchanged, 0 retired." in second.getvalue()
    assert second.getvalue().strip().endswith("0 changed.")


def test_the_command_names_the_broken_file_and_changes_nothing(content_dir: Path):
    _edit("02-beta.md", audience="everyone")(content_dir)

    with pytest.raises(CommandError) as error:
        call_command("sync_guides", path=content_dir, stdout=StringIO())

    assert "nothing changed" in str(error.value)
    assert "first-steps/02-beta.md: audience 'everyone'" in str(error.value)
    assert not Lesson.objects.exists()


def test_the_real_lessons_load_and_a_second_load_changes_nothing(lessons):
    assert Lesson.objects.published().count() == len(lessons.lessons) == 27
    assert list(Stage.objects.values_list("slug", flat=True)) == [
        "roots-of-distrust",
        "overcoming-distrust",
        "rebuilding-connection",
    ]

    report = sync()

    assert report.changed == 0
    assert len(report.unchanged) == 27
    assert not report.helplines_changed
