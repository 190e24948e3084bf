"""Reading progress: plain functions the views (and the journal) call."""

import functools
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, TypedDict, cast

from django.contrib.auth.models import AnonymousUser
from django.db import connections, router
from django.db.models import DateTimeField, F, FilteredRelation, Q, Value
from django.utils import timezone

from trustrepair import sql
from trustrepair.models import User

from .models import BODY_FIELDS, Lesson, LessonProgress, Stage

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class ReaderProgress(TypedDict):
    completed_at: datetime | None
    last_viewed_at: datetime | None


# A lesson with its reader's progress, as course_lessons() returns it.
type ReadLesson = "WithAnnotations[Lesson, ReaderProgress]"

# One statement that creates the progress row or updates the existing one, and returns
# the row as stored. PostgreSQL and SQLite (3.35+) both speak this dialect. It keeps
# opening a lesson to a single query, race-free when two tabs open it at once.
_UPSERT = """
INSERT INTO {LessonProgress} ({LessonProgress.user}, {LessonProgress.lesson},
  {LessonProgress.started_at}, {LessonProgress.last_viewed_at}, {LessonProgress.completed_at})
VALUES (%s, %s, %s, %s, %s)
ON CONFLICT ({LessonProgress.user}, {LessonProgress.lesson}) DO UPDATE SET {update}
RETURNING {columns}
"""
_ON_VIEW = "{LessonProgress.last_viewed_at} = excluded.{LessonProgress.last_viewed_at}"
_ON_COMPLETE = (
    "{LessonProgress.completed_at} = COALESCE("
    "{LessonProgress}.{LessonProgress.completed_at}, excluded.{LessonProgress.completed_at})"
)


@functools.cache
def _upsert_sql(using: str, on_conflict: str) -> str:
    qn = connections[using].ops.quote_name
    return sql.statement(
        _UPSERT,
        using,
        LessonProgress,
        update=sql.statement(on_conflict, using, LessonProgress),
        columns=", ".join(qn(cast(str, f.column)) for f in LessonProgress._meta.concrete_fields),
    )


def _upsert(user: User, lesson: Lesson, *, on_conflict: str, completed: bool) -> LessonProgress:
    using = router.db_for_write(LessonProgress)
    statement = _upsert_sql(using, on_conflict)
    now = timezone.now()
    params = [user.pk, lesson.pk, now, now, now if completed else None]
    progress = next(iter(LessonProgress.objects.raw(statement, params, using=using)))
    # Saves a query for callers that go on to use the lesson.
    progress.lesson = lesson
    return progress


def record_view(user: User, lesson: Lesson) -> LessonProgress:
    """Marks the lesson as started (the first time) and as the one last looked at."""
    return _upsert(user, lesson, on_conflict=_ON_VIEW, completed=False)


def mark_complete(user: User, lesson: Lesson) -> LessonProgress:
    """Completes the lesson; completing it again keeps the first completion time."""
    return _upsert(user, lesson, on_conflict=_ON_COMPLETE, completed=True)


def mark_incomplete(user: User, lesson: Lesson) -> None:
    LessonProgress.objects.filter(user=user, lesson=lesson).update(completed_at=None)


# What a "next lesson" link shows: lesson.get_absolute_url() needs both slugs.
LINK_FIELDS = ("slug", "title", "summary", "reading_minutes", "stage__slug", "stage__title")


def course_lessons(user: User | AnonymousUser | None) -> list[ReadLesson]:
    """Every published lesson in course order, with this reader's completed_at and
    last_viewed_at (None when not done, not opened, or nobody is signed in).

    One query; the lesson bodies are left out.
    """
    lessons = (
        Lesson.objects.published().select_related("stage").defer(*BODY_FIELDS).in_course_order()
    )
    if user is not None and user.is_authenticated:
        lessons = lessons.annotate(
            mine=FilteredRelation("progress", condition=Q(progress__user=user)),
            completed_at=F("mine__completed_at"),
            last_viewed_at=F("mine__last_viewed_at"),
        )
    else:
        lessons = lessons.annotate(
            completed_at=Value(None, output_field=DateTimeField()),
            last_viewed_at=Value(None, output_field=DateTimeField()),
        )
    return list(lessons)


def first_unfinished(lessons: list[ReadLesson]) -> ReadLesson | None:
    return next((lesson for lesson in lessons if lesson.completed_at is None), None)


def resume_point(lessons: list[ReadLesson]) -> ReadLesson | None:
    """The latest lesson opened and not finished; else the first one not finished."""
    opened = [
        lesson
        for lesson in lessons
        if lesson.completed_at is None and lesson.last_viewed_at is not None
    ]
    if opened:
        return max(opened, key=lambda lesson: cast(datetime, lesson.last_viewed_at))
    return first_unfinished(lessons)


def next_lesson_for(user: User) -> Lesson | None:
    """The first lesson, in course order, that this person has not completed.

    One precompiled SELECT that returns one row, with only what a link to it shows
    (title, summary, reading time, the stage's title and both slugs): the journal
    pages call this on every request, and building the ORM's join cost more than the
    database's answer. Other fields still load, lazily, if asked for.
    """
    using = router.db_for_read(Lesson)
    with connections[using].cursor() as cursor:
        # Nobody's progress for someone signed out: every lesson is still to do.
        cursor.execute(_next_lesson_sql(using), [user.pk, False])
        row = cursor.fetchone()
    if row is None:
        return None
    lesson = Lesson.from_db(using, _NEXT_LESSON_FIELDS, row[: len(_NEXT_LESSON_FIELDS)])
    lesson.stage = Stage.from_db(using, _NEXT_STAGE_FIELDS, row[len(_NEXT_LESSON_FIELDS) :])
    return lesson


# What a link shows, each in its model's field order (from_db() reads them in that order).
_NEXT_LESSON_FIELDS = [
    f.attname
    for f in Lesson._meta.concrete_fields
    if f.attname in {"id", "stage_id", "slug", "title", "summary", "reading_minutes"}
]
_NEXT_STAGE_FIELDS = [
    f.attname for f in Stage._meta.concrete_fields if f.attname in {"id", "slug", "title"}
]
# Lessons in course order with this reader's progress, if any, joined as
# course_lessons() joins it; the first not completed.
_NEXT_LESSON = (
    "SELECT {columns} FROM {Lesson} l INNER JOIN {Stage} s ON s.{Stage.id} = l.{Lesson.stage}"
    " LEFT OUTER JOIN {LessonProgress} p"
    " ON p.{LessonProgress.lesson} = l.{Lesson.id} AND p.{LessonProgress.user} = %s"
    " WHERE l.{Lesson.retired} = %s AND p.{LessonProgress.completed_at} IS NULL"
    " ORDER BY s.{Stage.position} ASC, l.{Lesson.position} ASC LIMIT 1"
)


@functools.cache
def _next_lesson_sql(using: str) -> str:
    columns = [f"l.{sql.column(Lesson, name, using)}" for name in _NEXT_LESSON_FIELDS]
    columns += [f"s.{sql.column(Stage, name, using)}" for name in _NEXT_STAGE_FIELDS]
    return sql.statement(
        _NEXT_LESSON, using, Lesson, Stage, LessonProgress, columns=", ".join(columns)
    )


def current_lesson_for(user: User) -> Lesson | None:
    """The lesson this person is working on: the latest one opened and not finished,
    or else the first one not finished. None once every lesson is done."""
    return resume_point(course_lessons(user))


@dataclass
class LessonRun:
    """Lessons in course order with one reader's progress: a stage, or a person's path."""

    lessons: list[ReadLesson]

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def done(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.completed_at is not None)


@dataclass
class StageOutline(LessonRun):
    stage: Stage = field(kw_only=True)

    @property
    def percent(self) -> int:
        # Rounded down, so 100% means every lesson is done.
        return self.done * 100 // self.total if self.total else 0

    @property
    def started(self) -> bool:
        return any(lesson.last_viewed_at is not None for lesson in self.lessons)

    @property
    def next_lesson(self) -> ReadLesson | None:
        return first_unfinished(self.lessons)


def outline(lessons: list[ReadLesson]) -> list[StageOutline]:
    """Groups course_lessons() by stage, in course order."""
    stages: dict[int, StageOutline] = {}
    for lesson in lessons:
        stage = stages.setdefault(lesson.stage_id, StageOutline([], stage=lesson.stage))
        stage.lessons.append(lesson)
    return list(stages.values())


def stage_progress(user: User | None) -> list[dict]:
    """Per stage: the stage, its lesson count, how many this person completed, and
    that as a whole percentage (one query)."""
    return [
        {"stage": row.stage, "total": row.total, "done": row.done, "percent": row.percent}
        for row in outline(course_lessons(user))
    ]
