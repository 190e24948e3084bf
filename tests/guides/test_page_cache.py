import gzip

import pytest
from django.conf import settings
from django.test import Client

from guides.content import read_content
from guides.loader import write_content
from guides.models import Lesson
from tests.guides.helpers import lesson_file, lesson_url, write_lesson

pytestmark = pytest.mark.django_db


# Conditional GET for anonymous readers


def test_an_anonymous_reader_gets_not_modified_for_a_lesson_they_have(client: Client, lessons):
    url = lesson_url("old-hurts")
    first = client.get(url)
    second = client.get(url)

    assert first["ETag"] == second["ETag"]
    assert second["Cache-Control"] == f"public, max-age={settings.COURSE_RECHECK_SECONDS:.0f}"
    assert client.get(url, headers={"if-none-match": second["ETag"]}).status_code == 304


def test_an_anonymous_page_is_served_from_the_cache_without_a_query(
    lessons, django_assert_num_queries
):
    url = lesson_url("old-hurts")
    first = Client().get(url)
    with django_assert_num_queries(0):
        second = Client().get(url)
    assert second.content == first.content
    assert second.status_code == 200


def test_a_cached_page_looks_at_the_course_again_after_a_few_seconds(
    lessons, django_assert_num_queries, seconds_pass
):
    url = lesson_url("old-hurts")
    Client().get(url)
    seconds_pass(settings.COURSE_RECHECK_SECONDS + 1)
    with django_assert_num_queries(1):  # the course fingerprint, nothing else
        assert Client().get(url).status_code == 200


def test_a_reader_whose_browser_accepts_gzip_gets_the_same_page_compressed(lessons):
    url = lesson_url("old-hurts")
    plain = Client().get(url)
    for _ in range(2):  # as rendered, then as answered from the cache
        packed = Client().get(url, headers={"accept-encoding": "gzip, deflate, br"})
        assert packed["Content-Encoding"] == "gzip"
        assert gzip.decompress(packed.content) == plain.content
        assert len(packed.content) < len(plain.content) / 2
    assert not plain.has_header("Content-Encoding")


def test_each_encoding_has_its_own_etag(lessons):
    url = lesson_url("old-hurts")
    gzipped = Client().get(url, headers={"accept-encoding": "gzip"})
    plain = Client().get(url)

    assert gzipped["ETag"] != plain["ETag"]
    again = Client().get(url, headers={"if-none-match": gzipped["ETag"]})
    assert again.status_code == 200
    assert not again.has_header("Content-Encoding")
    not_modified = Client().get(
        url, headers={"if-none-match": gzipped["ETag"], "accept-encoding": "gzip"}
    )
    assert not_modified.status_code == 304


def test_a_page_answered_from_the_cache_still_carries_every_security_header(lessons):
    url = lesson_url("old-hurts")
    Client().get(url)
    cached = Client().get(url)
    assert "default-src 'none'" in cached["Content-Security-Policy"]
    assert cached["X-Frame-Options"] == "DENY"
    assert cached["X-Content-Type-Options"] == "nosniff"
    assert cached["Referrer-Policy"] == "same-origin"
    assert cached["Vary"] == "Cookie, Accept-Encoding"


def test_someone_with_a_session_never_gets_the_shared_page(lessons, user):
    url = lesson_url("old-hurts")
    Client().get(url)
    reader = Client()
    reader.force_login(user)
    html = reader.get(url).content.decode()
    assert "X-CSRFToken" in html
    assert "Log out" in html


def test_the_shared_anonymous_page_holds_no_token_nonce_or_cookie(client: Client, lessons):
    response = client.get(lesson_url("old-hurts"))
    html = response.content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert "X-CSRFToken" not in html
    assert "nonce" not in html
    assert not response.cookies


def test_content_reloaded_elsewhere_replaces_the_cached_page_within_seconds(
    client: Client, lessons, seconds_pass
):
    url = lesson_url("old-hurts")
    client.get(url)
    # As sync_guides run in another process would: this process is not told.
    Lesson.objects.filter(slug="old-hurts").update(
        title="A brand new title", content_hash="reloaded"
    )
    seconds_pass(settings.COURSE_RECHECK_SECONDS + 1)
    assert "A brand new title" in client.get(url).content.decode()


def test_content_reloaded_in_this_process_replaces_the_cached_page_at_once(
    client: Client, content_dir
):
    write_content(read_content(content_dir))
    url = lesson_url("alpha")
    assert "The alpha lesson" in client.get(url).content.decode()
    write_lesson(
        content_dir, "first-steps", "01-alpha.md", lesson_file("alpha", 1, title="Renamed")
    )
    write_content(read_content(content_dir))
    assert "Renamed" in client.get(url).content.decode()


def test_a_new_neighbour_lesson_replaces_the_cached_page(client: Client, lessons, seconds_pass):
    url = lesson_url("old-hurts")
    client.get(url)
    Lesson.objects.filter(slug="insecurity-and-misreadings").update(retired=True)
    seconds_pass(settings.COURSE_RECHECK_SECONDS + 1)
    html = client.get(url).content.decode()
    assert "insecurity-and-misreadings" not in html


def test_a_changed_lesson_gets_a_new_etag(client: Client, lessons, seconds_pass):
    url = lesson_url("old-hurts")
    client.get(url)
    etag = client.get(url)["ETag"]
    Lesson.objects.filter(slug="old-hurts").update(content_hash="changed")
    seconds_pass(settings.COURSE_RECHECK_SECONDS + 1)

    response = client.get(url, headers={"if-none-match": etag})

    assert response.status_code == 200
    assert response["ETag"] != etag


def test_a_signed_in_reader_always_gets_a_fresh_page(owner_client: Client, lessons):
    url = lesson_url("old-hurts")

    response = owner_client.get(url, headers={"if-none-match": "*"})

    assert response.status_code == 200
    assert not response.has_header("ETag")
    assert "no-store" in response["Cache-Control"]
