import re

import pytest
from django.test import Client
from django.urls import reverse

from guides.models import Lesson
from tests.guides.helpers import complete, lesson_url, open_lesson, progress_values

pytestmark = pytest.mark.django_db


# The path of lessons


def test_the_path_shows_three_stages_with_their_lessons(client: Client, lessons):
    html = client.get(reverse("guides:index")).content.decode()

    positions = [
        html.index(title)
        for title in ("Roots of distrust", "Overcoming distrust", "Rebuilding connection")
    ]
    assert positions == sorted(positions)
    for found in Lesson.objects.all():
        assert found.get_absolute_url() in html
    assert "min read" in html
    assert "Mainly for the partner who is not trusted" in html
    assert 'action="/guides/search/"' in html


def test_an_anonymous_reader_is_invited_to_keep_progress_but_can_read(client: Client, lessons):
    html = client.get(reverse("guides:index")).content.decode()

    assert reverse("signup") in html
    assert "<progress" not in html
    assert "Continue where you left off" not in html


def test_a_signed_in_reader_sees_progress_per_stage_and_where_to_continue(
    owner_client: Client, user, lessons
):
    complete(user, "what-trust-is", "old-hurts")

    html = owner_client.get(reverse("guides:index")).content.decode()

    assert progress_values(html) == [("8", "2"), ("12", "0"), ("7", "0")]
    resume = re.search(r'class="resume__link" href="([^"]+)"', html).group(1)
    assert resume == lesson_url("insecurity-and-misreadings")
    assert "Continue where you left off" in html


def test_a_new_reader_is_pointed_at_the_first_lesson(owner_client: Client, lessons):
    html = owner_client.get(reverse("guides:index")).content.decode()

    assert "Start with the first lesson" in html
    assert re.search(r'class="resume__link" href="([^"]+)"', html).group(1) == lesson_url(
        "what-trust-is"
    )


def test_the_continue_link_follows_the_lesson_last_opened(owner_client: Client, user, lessons):
    complete(user, "what-trust-is")
    open_lesson(user, "keeping-your-word")

    html = owner_client.get(reverse("guides:index")).content.decode()

    assert re.search(r'class="resume__link" href="([^"]+)"', html).group(1) == lesson_url(
        "keeping-your-word"
    )


def test_someone_elses_progress_never_shows(stranger_client: Client, user, lessons):
    complete(user, "what-trust-is", "old-hurts")

    html = stranger_client.get(reverse("guides:index")).content.decode()

    assert "Finished" not in html
    assert progress_values(html)[0] == ("8", "0")


# Stage pages


def test_a_stage_page_lists_its_lessons(client: Client, lessons):
    response = client.get(reverse("guides:stage", args=["overcoming-distrust"]))

    html = response.content.decode()
    assert response.status_code == 200
    assert lesson_url("listening-that-helps") in html
    assert lesson_url("what-trust-is") not in html
    assert reverse("guides:stage", args=["roots-of-distrust"]) in html
    assert reverse("guides:stage", args=["rebuilding-connection"]) in html


def test_a_stage_page_shows_progress_and_where_to_carry_on(owner_client: Client, user, lessons):
    complete(user, "what-trust-is")
    open_lesson(user, "old-hurts")

    html = owner_client.get(reverse("guides:stage", args=["roots-of-distrust"])).content.decode()

    assert progress_values(html) == [("8", "1")]
    assert "Continue this stage" in html
    assert "Finished" in html
    assert "Started" in html


def test_an_unknown_stage_is_not_found(client: Client, lessons):
    assert client.get(reverse("guides:stage", args=["nowhere"])).status_code == 404


# Query budget


def test_the_path_makes_a_small_fixed_number_of_queries(
    owner_client: Client, user, lessons, django_assert_max_num_queries
):
    # The session, the user, the start-here answers (none here) and the course.
    owner_client.get(reverse("guides:index"))
    with django_assert_max_num_queries(4):
        owner_client.get(reverse("guides:index"))
    complete(user, *Lesson.objects.values_list("slug", flat=True)[:10])
    with django_assert_max_num_queries(4):
        owner_client.get(reverse("guides:index"))
