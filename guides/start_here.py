""" "Start here": three short questions that pick a path through the lessons.

The answers live in one encrypted column (SelfCheck.answers). The first two pick a
track from paths.yaml (guides.tracks); the third, the safety question, only ever
feeds journal.safety (a yes turns partner features off by default) and is never
shown back: no page a partner could see depends on it.
"""

import datetime
import json
from dataclasses import dataclass
from typing import Any, cast

from django.db import connections, router
from django.db.models import F, FilteredRelation, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from trustrepair import sql
from trustrepair.crypto import EncryptedTextField
from trustrepair.models import User

from .models import BODY_FIELDS, Lesson, PathStep, SelfCheck, Side, Situation
from .outline import OutlineLesson, course_outline, lesson_list
from .progress import LessonRun, ReadLesson, resume_point

SIDE, SITUATION, AFRAID = "side", "situation", "afraid"
# The questions in order; each is one screen at /guides/start/<step>/.
STEPS = (SIDE, SITUATION, AFRAID)
YES, NO = "yes", "no"


@dataclass(frozen=True)
class Answers:
    side: str | None = None
    situation: str | None = None
    afraid: bool | None = None
    afraid_at: datetime.datetime | None = None

    @property
    def path_key(self) -> tuple[str, str]:
        """A question skipped counts as "not sure"."""
        return (self.side or Side.NOT_SURE, self.situation or Situation.NOT_SURE)


def _load(raw: str) -> Answers:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        data = {}
    when = data.get("afraid_at")
    return Answers(
        side=data.get(SIDE) if data.get(SIDE) in Side.values else None,
        situation=data.get(SITUATION) if data.get(SITUATION) in Situation.values else None,
        afraid=data.get(AFRAID) if isinstance(data.get(AFRAID), bool) else None,
        afraid_at=datetime.datetime.fromisoformat(when) if isinstance(when, str) else None,
    )


def _dump(answers: Answers) -> str:
    data: dict[str, Any] = {SIDE: answers.side, SITUATION: answers.situation}
    if answers.afraid is not None and answers.afraid_at is not None:
        data[AFRAID] = answers.afraid
        data["afraid_at"] = answers.afraid_at.isoformat()
    return json.dumps(data)


def answers_of(user: User) -> Answers:
    raw = SelfCheck.objects.filter(user=user).values_list("answers", flat=True).first()
    return _load(raw) if raw is not None else Answers()


def record_answer(user: User, step: str, value: str | None) -> Answers:
    """Saves one question's answer (None: skipped). Skipping the safety question keeps
    an earlier answer to it: a skip is not a no."""
    check, _ = SelfCheck.objects.get_or_create(user=user)
    answers = _load(check.answers)
    if step == SIDE:
        answers = Answers(value, answers.situation, answers.afraid, answers.afraid_at)
    elif step == SITUATION:
        answers = Answers(answers.side, value, answers.afraid, answers.afraid_at)
    elif step == AFRAID and value in (YES, NO):
        answers = Answers(answers.side, answers.situation, value == YES, timezone.now())
    elif step != AFRAID:
        raise ValueError(f"no such step: {step}")
    check.answers = _dump(answers)
    if step == STEPS[-1]:
        check.finished_at = timezone.now()
    check.save()
    return answers


def latest_safety_answer(user: User) -> tuple[bool, datetime.datetime] | None:
    """journal.safety's answer source: (yes?, when) or None if never answered."""
    answers = answers_of(user)
    if answers.afraid is None or answers.afraid_at is None:
        return None
    return answers.afraid, answers.afraid_at


def has_finished(user: User) -> bool:
    return SelfCheck.objects.filter(user=user, finished_at__isnull=False).exists()


@dataclass
class YourPath(LessonRun):
    @property
    def next_lesson(self) -> ReadLesson | None:
        return resume_point(self.lessons)

    @property
    def lesson_list(self) -> SafeString:
        """The path's lessons, listed as the lessons page lists the course."""
        known = course_outline().by_pk
        rows = [known.get(lesson.pk) for lesson in self.lessons]
        if not all(rows):
            # A lesson the outline does not have yet: the course changed in the last
            # few seconds. The template lists the lessons as loaded.
            context = {"lessons": self.lessons}
            return render_to_string("guides/includes/lesson_list.html", context)
        progress = {
            lesson.pk: (lesson.completed_at, lesson.last_viewed_at) for lesson in self.lessons
        }
        return lesson_list(cast(list[OutlineLesson], rows), progress)


def path_lessons(side: str, situation: str) -> list[str]:
    """The lesson slugs on the path for these answers, in order (for tests and tools)."""
    return list(
        PathStep.objects.filter(side=side, situation=situation, lesson__retired=False)
        .order_by("position")
        .values_list("lesson__slug", flat=True)
    )


# A finished self-check's answers (still encrypted).
_FINISHED = (
    "SELECT {SelfCheck.answers} FROM {SelfCheck}"
    " WHERE {SelfCheck.user} = %s AND {SelfCheck.finished_at} IS NOT NULL"
)


def finished_answers(user: User) -> Answers | None:
    """The answers of someone who finished "start here", else None.

    A precompiled SELECT of one column: the lessons page and the dashboard ask on
    every request, and most people never finish "start here", so the ORM's cost of
    building the query was most of what the question cost. Decrypted by the field.
    """
    using = router.db_for_read(SelfCheck)
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(sql.statement(_FINISHED, using, SelfCheck), [user.pk])
        row = cursor.fetchone()
    if row is None:
        return None
    field = cast(EncryptedTextField, SelfCheck._meta.get_field("answers"))
    return _load(field.from_db_value(row[0], None, connection) or "")


def path_for(user: User) -> YourPath | None:
    """The person's path with their progress, or None before they finish "start here"
    (or when no paths are loaded). Two queries: the answers, then the lessons."""
    answers = finished_answers(user)
    if answers is None:
        return None
    side, situation = answers.path_key
    lessons = (
        Lesson.objects.published()
        .filter(path_steps__side=side, path_steps__situation=situation)
        .select_related("stage")
        .defer(*BODY_FIELDS)
        .annotate(
            mine=FilteredRelation("progress", condition=Q(progress__user=user)),
            completed_at=F("mine__completed_at"),
            last_viewed_at=F("mine__last_viewed_at"),
            step=F("path_steps__position"),
        )
        .order_by("step")
    )
    found = cast(list[ReadLesson], list(lessons))
    return YourPath(found) if found else None
