import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from guides.models import Lesson
from guides.search import search_lessons, snippet
from tests.helpers import HTMX

pytestmark = pytest.mark.django_db


def search(client: Client, query: str, **extra) -> str:
    return client.get(reverse("guides:search"), {"q": query}, **extra).content.decode()


def test_a_word_in_the_body_finds_its_lesson_with_the_passage_marked(client: Client, lessons):
    html = search(client, "kennels")

    assert "1 lesson matches" in html
    assert Lesson.objects.get(slug="what-trust-is").get_absolute_url() in html
    assert "<mark>kennels</mark>" in html.lower()


def test_a_word_in_a_title_finds_its_lesson(lessons):
    slugs = [result.lesson.slug for result in search_lessons("wobbles")]

    assert slugs == ["what-trust-is"]


def test_every_word_must_match(lessons):
    assert [r.lesson.slug for r in search_lessons("kennels shelter")] == ["what-trust-is"]
    assert search_lessons("kennels xylophone") == []


def test_results_list_many_lessons_in_a_sensible_order(lessons):
    results = search_lessons("phone")

    assert len(results) >= 5
    assert all("<mark>" in str(result.snippet) for result in results)


def test_retired_lessons_are_not_found(lessons):
    Lesson.objects.filter(slug="what-trust-is").update(retired=True)

    assert search_lessons("kennels") == []


def test_nothing_found_says_so_kindly(client: Client, lessons):
    html = search(client, "xylophone")

    assert "No lessons match “xylophone”" in html


def test_an_empty_search_shows_the_form_only(client: Client, lessons):
    html = search(client, "   ")

    assert 'id="search-q"' in html
    assert "match" not in html.split('id="search-results"')[1]


def test_the_query_is_escaped_on_the_page(client: Client, lessons):
    html = search(client, '<script>alert("x")</script>')

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_lesson_text_in_a_snippet_is_escaped_and_only_matches_are_marked():
    marked = str(snippet("Tom & Jerry <b>argue</b> about the phone bill", ["phone"]))

    assert marked == "Tom &amp; Jerry &lt;b&gt;argue&lt;/b&gt; about the <mark>phone</mark> bill"


def test_a_long_text_is_cut_around_the_match_at_word_boundaries():
    text = " ".join(["early"] * 100) + " the phone rang " + " ".join(["late"] * 100)

    marked = str(snippet(text, ["phone"]))

    assert marked.startswith("… early")
    assert marked.endswith("late …")
    assert "<mark>phone</mark>" in marked
    assert len(marked) < 300


def test_htmx_gets_only_the_results(client: Client, lessons):
    response = client.get(reverse("guides:search"), {"q": "kennels"}, **HTMX)

    html = response.content.decode()
    assert "<html" not in html
    assert "1 lesson matches" in html
    assert "HX-Request" in response["Vary"]


def test_the_lessons_page_has_a_search_box(client: Client, lessons):
    html = client.get(reverse("guides:index")).content.decode()

    assert 'role="search"' in html
    assert 'name="q"' in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
def test_postgresql_matches_other_forms_of_a_word(lessons):
    slugs = {result.lesson.slug for result in search_lessons("jealousy")}

    assert {"listening-that-helps", "signs-of-distrust"} <= slugs


def test_a_fragment_of_a_word_still_finds_something(lessons):
    # PostgreSQL's full-text search matches whole words only; the fallback catches these.
    assert [r.lesson.slug for r in search_lessons("kenne")] == ["what-trust-is"]


def test_a_heading_does_not_run_on_into_the_paragraph_after_it():
    marked = str(snippet("Example: the quiet phone\nJuno waits.", ["phone"]))

    assert marked == "Example: the quiet <mark>phone</mark>. Juno waits."
