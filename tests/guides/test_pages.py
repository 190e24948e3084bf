import gzip
import re
from html import unescape

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from guides.content import CONTENT_DIR, read_content
from guides.loader import write_content
from guides.models import Lesson, LessonProgress
from tests.guides.helpers import complete, lesson, lesson_file, open_lesson, write_lesson
from tests.helpers import HTMX

pytestmark = pytest.mark.django_db

REAL_LESSON_FILES = sorted(
    p.relative_to(CONTENT_DIR).as_posix() for p in CONTENT_DIR.glob("*/*.md")
)
WORDS_NOT_FOR_A_TAB = ("distrust", "trust issue", "betray", "cheat", "abuse")


def lesson_url(slug: str) -> str:
    found = lesson(slug)
    return reverse("guides:lesson", args=[found.stage.slug, found.slug])


def complete_url(slug: str, done: bool = True) -> str:
    found = lesson(slug)
    return reverse(
        "guides:complete" if done else "guides:incomplete", args=[found.stage.slug, slug]
    )


def tab_title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.DOTALL).group(1)


def progress_values(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<progress id="[^"]+" max="(\d+)" value="(\d+)"', html)


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
