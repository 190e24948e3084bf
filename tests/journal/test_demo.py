import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.db.models import Avg
from django.utils import timezone

from journal.models import CheckIn, Commitment, LessonReflection
from tests.journal.helpers import make_commitment, make_lesson, make_stage
from trustrepair.models import User

pytestmark = pytest.mark.django_db


def run_demo() -> str:
    out = io.StringIO()
    call_command("make_demo", stdout=out)
    return out.getvalue()


def password_in(output: str) -> str:
    return re.search(r"Password: (\S+)", output).group(1)


@pytest.fixture
def course():
    roots = make_stage("roots", 1)
    over = make_stage("over", 2, "Overcoming distrust")
    return [make_lesson(roots if n < 3 else over, slug=f"lesson-{n}") for n in range(6)]


def test_the_demo_account_has_three_months_of_mixed_entries(course):
    output = run_demo()
    user = User.objects.get(username="demo")
    assert user.check_password(password_in(output))
    assert output.count(password_in(output)) == 1

    commitments = Commitment.objects.filter(user=user)
    assert set(commitments.values_list("status", flat=True)) == {
        "open",
        "kept",
        "missed",
        "renegotiated",
    }
    assert commitments.filter(lesson__isnull=False).exists()
    assert len(set(commitments.values_list("strategy", flat=True))) >= 5
    assert all(c.resolved_at for c in commitments.exclude(status="open"))

    checkins = CheckIn.objects.filter(user=user)
    span = checkins.order_by("date").first().date, checkins.order_by("date").last().date
    assert span[1] == timezone.localdate()
    assert (span[1] - span[0]).days >= 80
    assert 20 <= checkins.count() <= 60
    assert checkins.filter(stage__isnull=False).exists()
    assert not checkins.filter(safety_concern=True).exists()

    first_month = checkins.filter(date__lt=span[0] + datetime.timedelta(days=30))
    last_month = checkins.filter(date__gt=span[1] - datetime.timedelta(days=30))
    assert last_month.aggregate(a=Avg("trust"))["a"] > first_month.aggregate(a=Avg("trust"))["a"]
    assert LessonReflection.objects.filter(user=user).exists()


def test_running_it_again_replaces_the_demo_account_and_its_password(course):
    first = password_in(run_demo())
    old = User.objects.get(username="demo")
    make_commitment(old, text="Added by hand")
    second = password_in(run_demo())
    assert first != second
    user = User.objects.get(username="demo")
    assert user.pk != old.pk
    assert not Commitment.objects.filter(user_id=old.pk).exists()
    assert User.objects.filter(username="demo").count() == 1


def test_the_demo_works_before_any_lesson_is_loaded():
    run_demo()
    assert CheckIn.objects.filter(user__username="demo").exists()
