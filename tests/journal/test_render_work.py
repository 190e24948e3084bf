"""The cheaper ways the dashboard and insights pages get their figures give the same answers."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guides.models import Lesson, LessonProgress
from guides.progress import course_lessons, first_unfinished, next_lesson_for
from journal.insights import WeekNumber, week_number, week_of_number, week_start
from journal.models import CheckIn
from tests.helpers import HTMX
from tests.journal.helpers import make_checkin, make_commitment, make_lesson, make_stage

pytestmark = pytest.mark.django_db

# Week edges, year ends, a leap day and a date long before the journal existed.
DATES = [
    datetime.date(1970, 1, 1),
    datetime.date(2000, 2, 29),
    datetime.date(2024, 12, 29),  # a Sunday
    datetime.date(2024, 12, 30),  # the Monday after
    datetime.date(2024, 12, 31),
    datetime.date(2025, 1, 1),
    datetime.date(2025, 1, 5),
    datetime.date(2025, 1, 6),
    datetime.date(2025, 6, 15),
    datetime.date(2025, 6, 16),
]


def test_week_numbers_in_sql_match_python_and_map_back_to_the_monday(user):
    for day in DATES:
        make_checkin(user, date=day)
    rows = CheckIn.objects.annotate(week=WeekNumber("date")).values_list("date", "week")
    for day, week in rows:
        assert week == week_number(day), day
        assert week_of_number(week) == week_start(day), day


@pytest.fixture
def course():
    stages = [make_stage("roots", 1), make_stage("over", 2, "Overcoming distrust")]
    return [make_lesson(stages[n // 3], slug=f"lesson-{n}", title=f"Lesson {n}") for n in range(6)]


def complete(user, *lessons: Lesson) -> None:
    now = timezone.now()
    for lesson in lessons:
        LessonProgress.objects.update_or_create(
            user=user,
            lesson=lesson,
            defaults={"started_at": now, "last_viewed_at": now, "completed_at": now},
        )


def test_next_lesson_agrees_with_the_course_outline(course, user, stranger):
    def expected():
        return first_unfinished(course_lessons(user))

    assert next_lesson_for(user) == expected() == course[0]
    complete(user, course[0], course[1], course[3])
    complete(stranger, course[2])
    assert next_lesson_for(user) == expected() == course[2]
    # Opened but not finished still counts as not done.
    LessonProgress.objects.create(
        user=user, lesson=course[2], started_at=timezone.now(), last_viewed_at=timezone.now()
    )
    assert next_lesson_for(user) == expected() == course[2]
    Lesson.objects.filter(pk=course[2].pk).update(retired=True)
    assert next_lesson_for(user) == expected() == course[4]
    complete(user, *course)
    assert next_lesson_for(user) is None
    assert expected() is None


def test_the_next_lesson_link_needs_one_query(course, user, django_assert_num_queries):
    with django_assert_num_queries(1):
        lesson = next_lesson_for(user)
        shown = (
            lesson.get_absolute_url(),
            lesson.title,
            lesson.summary,
            lesson.reading_minutes,
            lesson.stage.title,
        )
    assert shown[0] == reverse("guides:lesson", args=["roots", "lesson-0"])


def test_the_dashboard_reads_no_lesson_bodies_and_no_unshown_private_text(
    owner_client, user, course, settings
):
    make_commitment(user, text="Call at lunch", lesson=course[1], note="a private note")
    make_checkin(
        user,
        working="Talking at dinner",
        needs_work="money",
        private_note="just for me",
        safety_concern=True,
    )
    owner_client.get(reverse("journal:dashboard"))
    with CaptureQueriesContext(connection) as queries:
        text = owner_client.get(reverse("journal:dashboard")).content.decode()
    selects = " ".join(q["sql"] for q in queries)
    for column in ("body_html", "body_markdown", "body_text", "needs_work", "private_note"):
        assert column not in selects
    assert "renegotiation_reason" not in selects
    assert '"journal_commitment"."note"' not in selects
    # What the page does show is all there.
    assert "Call at lunch" in text
    assert f'href="{course[1].get_absolute_url()}">Lesson 1</a>' in text
    assert "6 / 10" in text  # today's check-in
    # Words and the safety answer are not shown on the dashboard, so not read either.
    assert '"journal_checkin"."working"' not in selects
    assert "safety_concern" not in selects
    assert "a private note" not in text


def test_every_commitment_row_posts_back_with_the_dashboard_as_next(owner_client, user):
    commitment = make_commitment(user)
    dashboard = owner_client.get(reverse("journal:dashboard")).content.decode()
    status_url = reverse("journal:commitment_status", args=[commitment.pk])
    row = owner_client.post(status_url, {"status": "kept"}, **HTMX).content.decode()
    for html in (dashboard, row):
        assert f'action="{status_url}"' in html
        assert f'hx-post="{status_url}"' in html
        assert f'name="next" value="{reverse("journal:dashboard")}"' in html
