from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from guides.models import Lesson, LessonProgress
from tests.guides.helpers import complete, lesson, lesson_url, progress_values
from tests.helpers import HTMX

pytestmark = pytest.mark.django_db


def complete_url(slug: str, done: bool = True) -> str:
    found = lesson(slug)
    return reverse(
        "guides:complete" if done else "guides:incomplete", args=[found.stage.slug, slug]
    )


# Mark as complete


def test_marking_complete_without_javascript_redirects_back_to_the_lesson(
    owner_client: Client, user, lessons
):
    response = owner_client.post(complete_url("old-hurts"))

    assert response.status_code == 302
    assert response["Location"] == lesson_url("old-hurts") + "#lesson-progress"
    assert LessonProgress.objects.get(user=user).completed_at is not None
    html = owner_client.get(lesson_url("old-hurts")).content.decode()
    assert "Mark as not finished" in html
    assert ("8", "1") in progress_values(html)


def test_marking_complete_with_htmx_swaps_the_button_and_the_progress_bar(
    owner_client: Client, user, lessons
):
    complete(user, "what-trust-is")

    response = owner_client.post(complete_url("old-hurts"), **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="completion-button"' in html
    assert "Mark as not finished" in html
    assert progress_values(html) == [("8", "2")]
    assert f'hx-post="{complete_url("old-hurts", done=False)}"' in html
    assert f'action="{complete_url("old-hurts", done=False)}"' in html


def test_completing_a_lesson_says_well_done_and_names_the_next_one(
    owner_client: Client, user, lessons
):
    html = owner_client.post(complete_url("old-hurts"), **HTMX).content.decode()
    after = Lesson.objects.published().in_course_order()
    titles = list(after.values_list("slug", "title"))
    next_slug, next_title = titles[[slug for slug, _ in titles].index("old-hurts") + 1]
    assert "Well done: one more step taken." in html
    assert f">{next_title}</a>" in unescape(html)
    assert next_slug in html


def test_completion_can_be_undone(owner_client: Client, user, lessons):
    owner_client.post(complete_url("old-hurts"), **HTMX)

    response = owner_client.post(complete_url("old-hurts", done=False), **HTMX)

    html = response.content.decode()
    assert "Mark as complete" in html
    assert progress_values(html) == [("8", "0")]
    assert LessonProgress.objects.get(user=user).completed_at is None


def test_completing_only_ever_touches_your_own_progress(
    owner_client: Client, stranger_client: Client, user, stranger, lessons
):
    owner_client.post(complete_url("old-hurts"))

    stranger_client.post(complete_url("old-hurts", done=False), **HTMX)

    assert LessonProgress.objects.get(user=user).completed_at is not None
    assert LessonProgress.objects.get(user=stranger).completed_at is None
    html = stranger_client.get(lesson_url("old-hurts")).content.decode()
    assert "Mark as complete" in html
    assert progress_values(html) == [("8", "0")]


def test_marking_complete_is_post_only(owner_client: Client, lessons):
    assert owner_client.get(complete_url("old-hurts")).status_code == 405
    assert owner_client.get(complete_url("old-hurts", done=False)).status_code == 405


def test_an_anonymous_post_is_sent_to_log_in(client: Client, lessons):
    response = client.post(complete_url("old-hurts"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert not LessonProgress.objects.exists()


def test_an_expired_session_with_htmx_leaves_the_page_for_log_in(client: Client, lessons):
    response = client.post(complete_url("old-hurts"), **HTMX)

    assert response["HX-Redirect"].startswith(reverse("login") + "?next=")


def test_completing_a_retired_or_unknown_lesson_is_not_found(owner_client: Client, lessons):
    Lesson.objects.filter(slug="old-hurts").update(retired=True)

    assert owner_client.post(complete_url("old-hurts")).status_code == 404
    unknown = reverse("guides:complete", args=["roots-of-distrust", "nope"])
    assert owner_client.post(unknown, **HTMX).status_code == 404


def test_completing_needs_a_csrf_token(user, lessons):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    assert client.post(complete_url("old-hurts")).status_code == 403
