"""The course outline built once per process, and the lesson lists built from it."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from guides.models import Lesson, LessonProgress, Stage
from guides.outline import course_outline, lesson_list, progress_of, resume_lesson
from guides.progress import course_lessons, resume_point
from tests.guides.helpers import complete, lesson, open_lesson

pytestmark = pytest.mark.django_db


def test_the_outline_lists_every_published_lesson_in_course_order(lessons):
    outline = course_outline()

    expected = list(Lesson.objects.published().in_course_order().values_list("slug", flat=True))
    assert [found.slug for found in outline.lessons] == expected
    assert [stage.slug for stage in outline.stages] == list(
        Stage.objects.filter(lessons__retired=False)
        .distinct()
        .order_by("position")
        .values_list("slug", flat=True)
    )
    for found in outline.lessons:
        assert found.url == lesson(found.slug).get_absolute_url()
        assert found in found.stage.lessons


def test_the_outline_is_built_once_per_course_version(lessons, django_assert_num_queries):
    first = course_outline()
    with django_assert_num_queries(0):
        assert course_outline() is first


def test_a_content_change_shows_in_the_outline_within_seconds(
    client: Client, lessons, seconds_pass
):
    client.get(reverse("guides:index"))
    Lesson.objects.filter(slug="old-hurts").update(title="A changed title", retired=False)
    Lesson.objects.filter(slug="what-trust-is").update(retired=True)
    seconds_pass(settings.COURSE_RECHECK_SECONDS + 1)

    html = client.get(reverse("guides:index")).content.decode()

    assert "A changed title" in html
    assert lesson("what-trust-is").get_absolute_url() not in html


def test_a_stage_summary_change_shows_within_seconds(client: Client, lessons, seconds_pass):
    client.get(reverse("guides:index"))
    Stage.objects.filter(slug="roots-of-distrust").update(summary="A new stage summary.")
    seconds_pass(settings.COURSE_RECHECK_SECONDS + 1)

    assert "A new stage summary." in client.get(reverse("guides:index")).content.decode()


def test_the_lesson_list_escapes_course_text(lessons):
    Lesson.objects.filter(slug="old-hurts").update(
        title="<script>alert(1)</script>", summary='"quoted" & <b>bold</b>'
    )
    outline = course_outline()

    html = lesson_list(outline.lessons, {})

    assert "<script>" not in html
    assert "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;" in html


def test_the_lesson_list_marks_finished_and_started_lessons(user, lessons):
    complete(user, "what-trust-is")
    open_lesson(user, "old-hurts")
    outline = course_outline()

    html = lesson_list(outline.lessons, progress_of(user))

    items = dict(re.findall(r'<a href="([^"]+)">[^<]+</a> (.*?)</h3>', html))
    assert items[lesson("what-trust-is").get_absolute_url()] == (
        '<span class="tag tag--ok">Finished</span>'
    )
    assert items[lesson("old-hurts").get_absolute_url()] == '<span class="tag">Started</span>'
    assert items[lesson("keeping-your-word").get_absolute_url()] == ""


def test_progress_is_only_ever_the_readers_own(user, stranger, lessons):
    complete(user, "what-trust-is")

    assert progress_of(stranger) == {}
    assert progress_of(None) == {}
    assert set(progress_of(user)) == {lesson("what-trust-is").pk}


@pytest.mark.parametrize("scenario", ["new", "opened", "finished-some", "opened-several", "all"])
def test_the_resume_point_agrees_with_the_model_based_one(user, lessons, scenario):
    slugs = list(Lesson.objects.published().in_course_order().values_list("slug", flat=True))
    if scenario == "opened":
        open_lesson(user, slugs[3])
    elif scenario == "finished-some":
        complete(user, *slugs[:4])
    elif scenario == "opened-several":
        complete(user, slugs[0])
        open_lesson(user, slugs[5], minutes_ago=10)
        open_lesson(user, slugs[2], minutes_ago=5)
        open_lesson(user, slugs[8], minutes_ago=30)
    elif scenario == "all":
        complete(user, *slugs)
    expected = resume_point(course_lessons(user))

    found = resume_lesson(course_outline().lessons, progress_of(user))

    assert (found and found.slug) == (expected and expected.slug)


def test_progress_on_a_retired_lesson_is_left_out(owner_client: Client, user, lessons):
    complete(user, "what-trust-is")
    Lesson.objects.filter(slug="what-trust-is").update(retired=True)
    LessonProgress.objects.filter(user=user).update(
        last_viewed_at=timezone.now() - timedelta(days=1)
    )

    html = owner_client.get(reverse("guides:index")).content.decode()

    assert "Finished" not in html
    assert "Start with the first lesson" in html
