import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from guides.content import CONTENT_DIR
from guides.models import Lesson, LessonProgress
from tests.guides.helpers import complete, lesson, lesson_url

pytestmark = pytest.mark.django_db

REAL_LESSON_FILES = sorted(
    p.relative_to(CONTENT_DIR).as_posix() for p in CONTENT_DIR.glob("*/*.md")
)
WORDS_NOT_FOR_A_TAB = ("distrust", "trust issue", "betray", "cheat", "abuse")


def tab_title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.DOTALL).group(1)


# Lesson pages


@pytest.mark.parametrize("path", REAL_LESSON_FILES)
def test_every_real_lesson_page_renders_in_full(client: Client, lessons, path: str):
    source = next(item.values for item in lessons.lessons if item.path == path)
    found = lesson(source["slug"])

    response = client.get(found.get_absolute_url())

    html = response.content.decode()
    text = unescape(html)
    assert response.status_code == 200
    assert tab_title(html).startswith(f"Lesson {found.stage.position}.{found.position} ")
    assert f'<h1 id="lesson-title">{source["title"]}</h1>' in text
    assert f"{source['reading_minutes']} min read" in html
    assert source["body_html"] in html
    assert 'id="example-' in html
    for takeaway in source["takeaways"]:
        assert takeaway in text
    assert "Something to reflect on" in html
    assert "Try this" in html
    assert "{# journal" not in html
    if len(source["toc"]) >= 4:
        assert 'aria-labelledby="lesson-toc"' in html
        for item in source["toc"]:
            assert f'href="#{item["id"]}"' in html
    assert "<style" not in html
    assert " style=" not in html
    assert " on" + "click=" not in html


def test_a_reader_can_turn_try_this_into_a_commitment_right_below_it(lessons, client, user):
    client.force_login(user)
    url = reverse("guides:lesson", args=["overcoming-distrust", "keeping-your-word"])
    html = client.get(url).content.decode()
    after_try_this = html.split('id="lesson-try-this"', 1)[1]
    journal = after_try_this.split('id="lesson-progress"', 1)[0]
    assert "Turn this into a commitment" in journal
    assert "?lesson=keeping-your-word" in journal
    assert 'id="reflection-answer"' in journal


def test_a_signed_out_reader_is_invited_to_keep_a_reflection(lessons, client):
    url = reverse("guides:lesson", args=["overcoming-distrust", "keeping-your-word"])
    html = client.get(url).content.decode()
    assert "Create a private account" in html
    assert 'id="reflection-answer"' not in html


def test_a_saved_reflection_comes_back_on_the_lesson_page(
    lessons, client, user, django_assert_max_num_queries
):
    from journal.models import LessonReflection

    lesson = Lesson.objects.get(slug="keeping-your-word")
    LessonReflection.objects.create(user=user, lesson=lesson, text="Calling on time matters")
    client.force_login(user)
    url = lesson.get_absolute_url()
    client.get(url)
    with django_assert_max_num_queries(LESSON_PAGE_QUERIES):
        html = client.get(url).content.decode()
    assert "Calling on time matters" in html
    assert "Update my reflection" in html


@pytest.mark.parametrize(
    "url",
    [
        reverse("guides:index"),
        reverse("guides:stage", args=["roots-of-distrust"]),
        reverse("guides:lesson", args=["roots-of-distrust", "signs-of-distrust"]),
        reverse("guides:lesson", args=["overcoming-distrust", "openness-not-surveillance"]),
        reverse("guides:search") + "?q=betrayal",
    ],
)
def test_tab_titles_stay_neutral(client: Client, lessons, url: str):
    title = tab_title(client.get(url).content.decode()).lower()
    assert not any(word in title for word in WORDS_NOT_FOR_A_TAB), title


def test_previous_and_next_cross_stage_boundaries(client: Client, lessons):
    html = client.get(lesson_url("signs-of-distrust")).content.decode()
    assert f'rel="prev" href="{lesson_url("what-distrust-costs")}"' in html
    assert f'rel="next" class="pager__next" href="{lesson_url("starting-together")}"' in html

    first = client.get(lesson_url("what-trust-is")).content.decode()
    last = client.get(lesson_url("getting-outside-help")).content.decode()
    assert 'rel="prev"' not in first
    assert 'rel="next"' not in last


def test_retired_neighbours_are_skipped(client: Client, lessons):
    Lesson.objects.filter(slug="old-hurts").update(retired=True)

    html = client.get(lesson_url("what-trust-is")).content.decode()

    assert (
        f'rel="next" class="pager__next" href="{lesson_url("insecurity-and-misreadings")}"' in html
    )


def test_an_unknown_or_retired_lesson_is_not_found(client: Client, lessons):
    Lesson.objects.filter(slug="old-hurts").update(retired=True)

    assert (
        client.get(reverse("guides:lesson", args=["roots-of-distrust", "nope"])).status_code == 404
    )
    assert (
        client.get(reverse("guides:lesson", args=["roots-of-distrust", "old-hurts"])).status_code
        == 404
    )
    assert client.get(reverse("guides:lesson", args=["nowhere", "nope"])).status_code == 404


def test_a_lesson_under_the_wrong_stage_redirects_to_its_real_address(client: Client, lessons):
    response = client.get(reverse("guides:lesson", args=["rebuilding-connection", "old-hurts"]))

    assert response.status_code == 302
    assert response["Location"] == lesson_url("old-hurts")


def test_opening_a_lesson_records_it_as_started(owner_client: Client, user, lessons):
    owner_client.get(lesson_url("old-hurts"))

    progress = LessonProgress.objects.get(user=user)
    assert progress.lesson.slug == "old-hurts"
    assert progress.completed_at is None


def test_an_anonymous_reader_leaves_no_trace(client: Client, lessons):
    html = client.get(lesson_url("old-hurts")).content.decode()

    assert not LessonProgress.objects.exists()
    assert "Mark as complete" not in html
    assert reverse("signup") in html


def test_the_audience_note_matches_the_lesson(client: Client, lessons):
    distrusted = client.get(lesson_url("keeping-your-word")).content.decode()
    distrusting = client.get(lesson_url("patience-and-your-own-work")).content.decode()
    both = client.get(lesson_url("what-trust-is")).content.decode()

    assert "Written mainly for the partner who is not trusted" in distrusted
    assert "Written mainly for the partner who finds trust hard" in distrusting
    assert "Written for both partners" in both


# Query budget


# The session, its person, the lesson with its neighbours and stage counts, the
# reading-progress upsert, and the reader's own reflection.
LESSON_PAGE_QUERIES = 5


def test_a_lesson_page_makes_a_fixed_number_of_queries_for_a_new_reader(
    owner_client: Client, lessons, django_assert_max_num_queries
):
    url = lesson_url("old-hurts")
    # Once per connection, not per request: SQLite's check for JSON support, and the
    # session's first save after signing in.
    Lesson.objects.with_neighbours().first()
    owner_client.get(reverse("guides:index"))

    with django_assert_max_num_queries(LESSON_PAGE_QUERIES):
        response = owner_client.get(url)

    assert response.status_code == 200
    assert LessonProgress.objects.count() == 1


def test_a_lesson_page_makes_the_same_number_of_queries_with_much_progress(
    owner_client: Client, user, lessons, django_assert_max_num_queries
):
    complete(user, *Lesson.objects.values_list("slug", flat=True)[:15])
    url = lesson_url("keeping-your-word")
    owner_client.get(url)

    with django_assert_max_num_queries(LESSON_PAGE_QUERIES):
        owner_client.get(url)
