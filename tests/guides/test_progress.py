import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guides.models import Lesson, LessonProgress
from guides.progress import (
    current_lesson_for,
    mark_complete,
    mark_incomplete,
    next_lesson_for,
    record_view,
    stage_progress,
)
from tests.guides.helpers import complete, lesson, open_lesson
from tests.helpers import make_user

pytestmark = pytest.mark.django_db


def test_opening_a_lesson_records_it_as_started_in_one_query(lessons, user):
    old_hurts = lesson("old-hurts")

    with CaptureQueriesContext(connection) as queries:
        progress = record_view(user, old_hurts)

    assert len(queries) == 1
    assert progress.pk is not None
    assert progress.started_at == progress.last_viewed_at
    assert progress.completed_at is None
    assert LessonProgress.objects.get(user=user, lesson=old_hurts).pk == progress.pk


def test_opening_it_again_moves_last_viewed_and_keeps_the_start(lessons, user):
    first = record_view(user, lesson("old-hurts"))

    again = record_view(user, lesson("old-hurts"))

    assert again.pk == first.pk
    assert again.started_at == first.started_at
    assert again.last_viewed_at > first.last_viewed_at
    assert LessonProgress.objects.count() == 1


def test_marking_complete_twice_keeps_the_first_completion_time(lessons, user):
    first = mark_complete(user, lesson("old-hurts"))
    second = mark_complete(user, lesson("old-hurts"))

    assert first.completed_at is not None
    assert second.completed_at == first.completed_at


def test_marking_incomplete_keeps_the_row_but_clears_completion(lessons, user):
    mark_complete(user, lesson("old-hurts"))

    mark_incomplete(user, lesson("old-hurts"))

    progress = LessonProgress.objects.get(user=user)
    assert progress.completed_at is None
    assert progress.started_at is not None


def test_the_next_lesson_is_the_first_one_not_completed(lessons, user):
    complete(user, "what-trust-is", "old-hurts", "what-distrust-costs")

    assert next_lesson_for(user).slug == "insecurity-and-misreadings"


def test_someone_elses_progress_does_not_change_my_next_lesson(lessons, user, stranger):
    complete(stranger, "what-trust-is")
    open_lesson(user, "what-trust-is")

    assert next_lesson_for(user).slug == "what-trust-is"
    assert next_lesson_for(stranger).slug == "old-hurts"


def test_retired_lessons_are_never_suggested(lessons, user):
    Lesson.objects.filter(slug="what-trust-is").update(retired=True)

    assert next_lesson_for(user).slug == "old-hurts"


def test_the_current_lesson_is_the_latest_one_opened_and_not_finished(lessons, user):
    open_lesson(user, "keeping-your-word", minutes_ago=30)
    open_lesson(user, "old-hurts", minutes_ago=10)
    complete(user, "time-together")

    assert current_lesson_for(user).slug == "old-hurts"


def test_without_anything_open_the_current_lesson_is_the_next_one(lessons, user):
    complete(user, "what-trust-is")

    assert current_lesson_for(user).slug == "old-hurts"


def test_a_new_reader_starts_at_the_first_lesson(lessons, user):
    assert current_lesson_for(user).slug == "what-trust-is"
    assert next_lesson_for(user).slug == "what-trust-is"


def test_after_the_last_lesson_there_is_nothing_left(lessons, user):
    complete(user, *Lesson.objects.values_list("slug", flat=True))

    assert next_lesson_for(user) is None
    assert current_lesson_for(user) is None


def test_stage_progress_counts_completed_lessons_per_stage(lessons, user):
    complete(user, "what-trust-is", "old-hurts", "starting-together")
    open_lesson(user, "time-together")

    rows = {row["stage"].slug: row for row in stage_progress(user)}

    assert [rows[s]["total"] for s in rows] == [8, 12, 7]
    assert rows["roots-of-distrust"]["done"] == 2
    assert rows["roots-of-distrust"]["percent"] == 25
    assert rows["overcoming-distrust"]["done"] == 1
    assert rows["rebuilding-connection"]["done"] == 0


def test_stage_progress_ignores_retired_lessons_and_other_people(lessons, user):
    complete(
        user,
        *Lesson.objects.filter(stage__slug="rebuilding-connection").values_list("slug", flat=True),
    )
    complete(make_user("someone"), "what-trust-is")
    Lesson.objects.filter(slug="getting-outside-help").update(retired=True)

    rows = {row["stage"].slug: row for row in stage_progress(user)}

    assert rows["rebuilding-connection"]["total"] == 6
    assert rows["rebuilding-connection"]["percent"] == 100
    assert rows["roots-of-distrust"]["done"] == 0


def test_an_anonymous_reader_has_no_progress(lessons):
    assert all(row["done"] == 0 for row in stage_progress(None))
