"""The course outline, built once per process, and one reader's progress laid over it.

The lessons page and the stage pages list every published lesson with its address,
title, summary, reading time and audience. None of that is personal, and it only
changes when the content is reloaded, so it is read and its addresses reversed once per
course version (guides.caching.course(), which every process reads again at most every
COURSE_RECHECK_SECONDS, so a reload shows here as fast as on the lesson pages). A
request then pays for one small query: the reader's own progress, as plain tuples.

Nothing personal is kept between requests: ReaderOutline lives for one request.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db import connections, router
from django.urls import get_script_prefix, reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

from trustrepair import sql
from trustrepair.models import User

from .caching import course
from .models import Audience, Lesson, LessonProgress


@dataclass(frozen=True, slots=True)
class OutlineStage:
    pk: int
    slug: str
    title: str
    summary: str
    position: int
    url: str
    # The start of the stage's section on the lessons page, escaped once per version.
    section_start: SafeString
    lessons: list["OutlineLesson"] = field(default_factory=list)

    def get_absolute_url(self) -> str:
        return self.url


@dataclass(frozen=True, slots=True)
class OutlineLesson:
    pk: int
    slug: str
    title: str
    summary: str
    position: int
    reading_minutes: int
    audience: str
    audience_label: str
    url: str
    stage: OutlineStage
    # The lesson's row in a lesson list, before and after the reader's status tag:
    # course text escaped once per course version, not on every request.
    row_start: SafeString
    row_end: SafeString

    def get_absolute_url(self) -> str:
        return self.url


@dataclass(frozen=True, slots=True)
class Outline:
    key: tuple[str, str]
    stages: list[OutlineStage]
    lessons: list[OutlineLesson]
    by_pk: dict[int, OutlineLesson]


_LESSON_COLUMNS = (
    "pk",
    "slug",
    "title",
    "summary",
    "position",
    "reading_minutes",
    "audience",
    "stage_id",
    "stage__slug",
    "stage__title",
    "stage__summary",
    "stage__position",
)

# One lesson in a list, around the reader's status tag; every value is escaped.
_ROW_START = '<li class="lesson-item">\n<h3 class="lesson-item__title"><a href="{}">{}</a> '
_ROW_END = (
    "</h3>\n"
    '<p class="lesson-item__summary">{}</p>\n'
    '<p class="lesson-meta"><span>{} min read</span> <span class="tag tag--quiet">{}</span></p>\n'
    "</li>\n"
)

# A stage on the lessons page: its heading and summary, then (per request) the
# reader's progress bar and the list of its lessons.
_SECTION_START = (
    '<section class="stage" aria-labelledby="stage-{slug}">\n'
    '<h2 id="stage-{slug}"><span class="stage__number">Stage {position}</span> '
    '<a href="{url}">{title}</a></h2>\n'
    "<p>{summary}</p>\n"
)
_PROGRESS_LINE = (
    '<p class="progress-line">\n'
    '<label for="progress-{slug}">{done} of {total} lesson{plural} finished</label>\n'
    '<progress id="progress-{slug}" max="{total}" value="{done}">{percent}%</progress>\n'
    "</p>\n"
)

# (course version, script prefix) and the outline; one object, so swapping it is atomic.
_built: Outline | None = None


def course_outline() -> Outline:
    """Stages with their published lessons, in course order, each with its address.

    Keyed by the course version and the script prefix the addresses were reversed
    with (a fixed setting, FORCE_SCRIPT_NAME, so in practice one per process).
    """
    global _built
    key = (course().version, get_script_prefix())
    found = _built
    if found is not None and found.key == key:
        return found
    labels = {value: str(label) for value, label in Audience.choices}
    stages: dict[int, OutlineStage] = {}
    lessons: list[OutlineLesson] = []
    rows = Lesson.objects.published().in_course_order().values_list(*_LESSON_COLUMNS)
    for pk, slug, title, summary, position, minutes, audience, stage_id, *stage_row in rows:
        stage = stages.get(stage_id)
        if stage is None:
            stage_slug, stage_title, stage_summary, stage_position = stage_row
            stage_url = reverse("guides:stage", args=[stage_slug])
            stage = stages[stage_id] = OutlineStage(
                stage_id,
                stage_slug,
                stage_title,
                stage_summary,
                stage_position,
                stage_url,
                format_html(
                    _SECTION_START,
                    slug=stage_slug,
                    position=stage_position,
                    url=stage_url,
                    title=stage_title,
                    summary=stage_summary,
                ),
            )
        url = reverse("guides:lesson", args=[stage.slug, slug])
        label = labels.get(audience, audience)
        lesson = OutlineLesson(
            pk,
            slug,
            title,
            summary,
            position,
            minutes,
            audience,
            label,
            url,
            stage,
            format_html(_ROW_START, url, title),
            format_html(_ROW_END, summary, minutes, label),
        )
        stage.lessons.append(lesson)
        lessons.append(lesson)
    _built = Outline(key, list(stages.values()), lessons, {row.pk: row for row in lessons})
    return _built


# (completed_at, last_viewed_at) of one lesson for one reader.
type Progress = tuple[datetime | None, datetime | None]
NO_PROGRESS: Progress = (None, None)


# A reader's progress: three columns.
_PROGRESS = (
    "SELECT {LessonProgress.lesson}, {LessonProgress.completed_at},"
    " {LessonProgress.last_viewed_at} FROM {LessonProgress} WHERE {LessonProgress.user} = %s"
)


def progress_of(user: User | AnonymousUser | None) -> dict[int, Progress]:
    """This reader's progress by lesson id: one query of three columns.

    A precompiled SELECT: the ORM took longer to build this query than the rest of
    the lessons page's own work. The times are only compared with each other (which
    one was opened last) and tested for None; SQLite gives them without a zone.
    """
    if user is None or not user.is_authenticated:
        return {}
    using = router.db_for_read(LessonProgress)
    with connections[using].cursor() as cursor:
        cursor.execute(sql.statement(_PROGRESS, using, LessonProgress), [user.pk])
        rows = cursor.fetchall()
    return {lesson_id: (completed, viewed) for lesson_id, completed, viewed in rows}


@dataclass(frozen=True, slots=True)
class ReadStage:
    """A stage and how far this reader is through it."""

    stage: OutlineStage
    lessons: list[OutlineLesson]
    done: int
    started: bool
    next_lesson: OutlineLesson | None
    lesson_list: SafeString

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def percent(self) -> int:
        # Rounded down, so 100% means every lesson is done.
        return self.done * 100 // self.total if self.total else 0

    def section(self, *, with_progress: bool) -> SafeString:
        """The stage on the lessons page: heading, summary, progress bar, lessons."""
        progress = (
            format_html(
                _PROGRESS_LINE,
                slug=self.stage.slug,
                done=self.done,
                total=self.total,
                plural="" if self.total == 1 else "s",
                percent=self.percent,
            )
            if with_progress
            else ""
        )
        return format_html(
            "{}{}{}\n</section>\n", self.stage.section_start, progress, self.lesson_list
        )


def read_stage(stage: OutlineStage, progress: dict[int, Progress]) -> ReadStage:
    done, started, next_lesson = 0, False, None
    for lesson in stage.lessons:
        completed, viewed = progress.get(lesson.pk, NO_PROGRESS)
        if completed is not None:
            done += 1
        elif next_lesson is None:
            next_lesson = lesson
        started = started or viewed is not None
    return ReadStage(
        stage, stage.lessons, done, started, next_lesson, lesson_list(stage.lessons, progress)
    )


def resume_lesson(
    lessons: list[OutlineLesson], progress: dict[int, Progress]
) -> OutlineLesson | None:
    """The latest lesson opened and not finished; else the first one not finished
    (as guides.progress.resume_point)."""
    latest: tuple[datetime, OutlineLesson] | None = None
    first_unfinished = None
    for lesson in lessons:
        completed, viewed = progress.get(lesson.pk, NO_PROGRESS)
        if completed is not None:
            continue
        if first_unfinished is None:
            first_unfinished = lesson
        if viewed is not None and (latest is None or viewed > latest[0]):
            latest = (viewed, lesson)
    return latest[1] if latest is not None else first_unfinished


_FINISHED = format_html('<span class="tag tag--ok">{}</span>', "Finished")
_STARTED = format_html('<span class="tag">{}</span>', "Started")
_NO_STATUS = conditional_escape("")


def _status(progress: Progress) -> SafeString:
    completed, viewed = progress
    if completed is not None:
        return _FINISHED
    return _STARTED if viewed is not None else _NO_STATUS


def lesson_list(lessons: Iterable[OutlineLesson], progress: dict[int, Progress]) -> SafeString:
    """The <ol> of lessons the lessons page, stage pages and a path show.

    Built here rather than by a template include per row: the same markup for a
    fraction of the cost, with every value escaped (once per course version).
    """
    rows = _NO_STATUS
    for lesson in lessons:
        # Safe + safe stays safe: course text was escaped when the outline was built,
        # and the status tag is one of three constants.
        rows = rows + lesson.row_start + _status(progress.get(lesson.pk, NO_PROGRESS))
        rows = rows + lesson.row_end
    return format_html('<ol class="lesson-list">\n{}</ol>', rows)
