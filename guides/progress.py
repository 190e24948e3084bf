"""Reading progress: plain functions the views (and the journal) call."""

from django.db.models import Count, Q
from django.utils import timezone

from trustrepair.models import User

from .models import Lesson, LessonProgress, Stage


def record_view(user: User, lesson: Lesson) -> LessonProgress:
    now = timezone.now()
    progress, created = LessonProgress.objects.get_or_create(
        user=user, lesson=lesson, defaults={"started_at": now, "last_viewed_at": now}
    )
    if not created:
        LessonProgress.objects.filter(pk=progress.pk).update(last_viewed_at=now)
        progress.last_viewed_at = now
    return progress


def mark_complete(user: User, lesson: Lesson) -> LessonProgress:
    now = timezone.now()
    progress, _ = LessonProgress.objects.get_or_create(
        user=user, lesson=lesson, defaults={"started_at": now, "last_viewed_at": now}
    )
    if progress.completed_at is None:
        progress.completed_at = now
        progress.save(update_fields=["completed_at"])
    return progress


def mark_incomplete(user: User, lesson: Lesson) -> None:
    LessonProgress.objects.filter(user=user, lesson=lesson).update(completed_at=None)


def next_lesson_for(user: User) -> Lesson | None:
    """The first lesson, in course order, that this person has not completed."""
    return (
        Lesson.objects.published()
        .select_related("stage")
        .exclude(progress__user=user, progress__completed_at__isnull=False)
        .in_course_order()
        .first()
    )


def current_lesson_for(user: User) -> Lesson | None:
    """The lesson this person is working on: the latest one opened and not finished."""
    latest = (
        LessonProgress.objects.filter(user=user, completed_at__isnull=True, lesson__retired=False)
        .select_related("lesson__stage")
        .order_by("-last_viewed_at")
        .first()
    )
    return latest.lesson if latest else next_lesson_for(user)


def stage_progress(user: User | None) -> list[dict]:
    """Per stage: lessons in it and how many this person completed (one query)."""
    completed = (
        Count(
            "lessons",
            filter=Q(lessons__retired=False, lessons__progress__completed_at__isnull=False)
            & Q(lessons__progress__user=user),
        )
        if user is not None and user.is_authenticated
        else None
    )
    stages = Stage.objects.annotate(
        total=Count("lessons", filter=Q(lessons__retired=False), distinct=True)
    )
    if completed is not None:
        stages = stages.annotate(done=completed)
    rows = []
    for stage in stages.order_by("position"):
        done = getattr(stage, "done", 0)
        percent = round(100 * done / stage.total) if stage.total else 0
        rows.append({"stage": stage, "total": stage.total, "done": done, "percent": percent})
    return rows
