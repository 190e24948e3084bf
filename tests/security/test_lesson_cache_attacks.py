"""Attacks on the shared copies of signed-out lesson pages (guides.caching)."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from guides import loader
from guides.content import read_content
from guides.loader import write_content
from tests.guides.helpers import lesson_file, write_lesson


def lesson_url(stage: str = "first-steps", slug: str = "alpha") -> str:
    return reverse("guides:lesson", args=[stage, slug])


@pytest.fixture
def course(db, content_dir):
    write_content(read_content(content_dir))
    return content_dir


def test_a_script_name_header_cannot_rewrite_the_links_of_a_shared_lesson_page(course):
    poisoned = Client().get(lesson_url(), SCRIPT_NAME="/evil")
    honest = Client().get(lesson_url())

    assert "/evil" not in poisoned.content.decode()
    assert "/evil" not in honest.content.decode()
    assert 'href="/guides/' in honest.content.decode()


def test_a_foreign_host_gets_400_even_for_a_lesson_page_already_kept(course, settings):
    settings.ALLOWED_HOSTS = ["notebook.example"]
    assert Client(HTTP_HOST="notebook.example").get(lesson_url()).status_code == 200

    response = Client(HTTP_HOST="evil.example").get(lesson_url())

    assert response.status_code == 400


def test_a_lesson_edit_rolled_back_elsewhere_is_not_served_from_an_older_copy(
    course, seconds_pass, monkeypatch
):
    assert "The alpha lesson" in Client().get(lesson_url()).content.decode()
    # As sync_guides run by another process: this one is not told.
    monkeypatch.setattr(loader, "forget_course", lambda: None)
    write_lesson(course, "first-steps", "01-alpha.md", lesson_file("alpha", 1, title="Edited"))
    write_content(read_content(course))
    cache.clear()  # the copy made before the edit has been pushed out
    # Rendered now, within the seconds this process still trusts the old course version.
    assert "Edited" in Client().get(lesson_url()).content.decode()
    seconds_pass(60)
    write_lesson(course, "first-steps", "01-alpha.md", lesson_file("alpha", 1))
    write_content(read_content(course))
    seconds_pass(60)

    html = Client().get(lesson_url()).content.decode()

    assert "Edited" not in html
    assert "The alpha lesson" in html


def test_a_cache_outage_still_serves_lessons(course, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", broken)
    monkeypatch.setattr(cache, "set", broken)

    response = Client().get(lesson_url())

    assert response.status_code == 200
    assert "The alpha lesson" in response.content.decode()
