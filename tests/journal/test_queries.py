"""The journal pages cost a fixed number of queries, whatever the journal's size."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from journal.models import CheckIn, Commitment, CommitmentStatus, LessonReflection
from tests.helpers import make_user
from tests.journal.helpers import make_lesson, make_stage

pytestmark = pytest.mark.django_db

STATUSES = list(CommitmentStatus.values)
STRATEGIES = ["reliability", "empathy", "transparency", "appreciation"]
# Session, person, open commitments, recent check-ins, 30-day consistency, streak weeks,
# the start-here answers, the next lesson (or the path's lessons), partner replies.
DASHBOARD_BUDGET = 9


def fill_journal(user, entries: int, lessons: list) -> None:
    """About half commitments, half check-ins, and a few reflections (bulk, for speed)."""
    now = timezone.now()
    today = timezone.localdate()
    reflections = min(len(lessons), max(1, entries // 200))
    checkins = (entries - reflections) // 2
    commitments = entries - reflections - checkins
    Commitment.objects.bulk_create(
        Commitment(
            user=user,
            text=f"Promise {n}",
            strategy=STRATEGIES[n % len(STRATEGIES)],
            status=STATUSES[n % len(STATUSES)],
            resolved_at=None if n % len(STATUSES) == 0 else now - datetime.timedelta(hours=n),
            due_date=today + datetime.timedelta(days=n % 9 - 4),
            lesson=lessons[n % len(lessons)],
            created_at=now - datetime.timedelta(hours=n),
        )
        for n in range(commitments)
    )
    CheckIn.objects.bulk_create(
        CheckIn(
            user=user,
            date=today - datetime.timedelta(days=n),
            trust=1 + n % 10,
            communication=1 + n % 5,
            connection=1 + (n + 2) % 5,
            working=f"Working {n}",
            stage=lessons[n % len(lessons)].stage,
            lesson=lessons[n % len(lessons)],
            created_at=now - datetime.timedelta(days=n),
        )
        for n in range(checkins)
    )
    LessonReflection.objects.bulk_create(
        LessonReflection(user=user, lesson=lessons[n], text=f"Thought {n}")
        for n in range(reflections)
    )


def queries_for(user, url: str) -> int:
    client = Client()
    client.force_login(user)
    # The first request does the session's own bookkeeping and sets the cookies.
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.fixture
def lessons():
    stages = [make_stage("roots", 1), make_stage("over", 2, "Overcoming distrust")]
    return [make_lesson(stages[n % 2], slug=f"lesson-{n}") for n in range(10)]


@pytest.fixture
def small(lessons):
    user = make_user("small")
    fill_journal(user, 10, lessons)
    return user


@pytest.fixture
def large(lessons):
    user = make_user("large")
    fill_journal(user, 2000, lessons)
    return user


def test_the_fixture_journals_have_10_and_2000_entries(small, large):
    def size(user):
        return (
            Commitment.objects.filter(user=user).count()
            + CheckIn.objects.filter(user=user).count()
            + LessonReflection.objects.filter(user=user).count()
        )

    assert (size(small), size(large)) == (10, 2000)


def test_the_dashboard_costs_the_same_few_queries_for_10_and_2000_entries(small, large):
    url = reverse("journal:dashboard")
    counts = (queries_for(small, url), queries_for(large, url))
    print(f"dashboard queries: 10 entries={counts[0]}, 2000 entries={counts[1]}")
    assert counts[0] == counts[1]
    assert counts[1] <= DASHBOARD_BUDGET


@pytest.mark.parametrize("name", ["insights", "timeline"])
def test_insights_and_timeline_cost_the_same_for_10_and_2000_entries(small, large, name):
    url = reverse(f"journal:{name}")
    counts = (queries_for(small, url), queries_for(large, url))
    print(f"{name} queries: 10 entries={counts[0]}, 2000 entries={counts[1]}")
    assert counts[0] == counts[1]
    assert counts[1] <= 10


def test_a_deep_timeline_page_costs_no_more_than_the_first(large):
    first = queries_for(large, reverse("journal:timeline"))
    later = queries_for(large, reverse("journal:timeline") + "?page=40")
    assert later <= first
