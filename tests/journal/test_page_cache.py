"""Journal pages kept for the browser session that asked: fast, never stale, never shared."""

import pickle
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.messages.constants import SUCCESS
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import OperationalError, connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from journal import page_cache
from tests.helpers import HTMX
from tests.journal.helpers import checkin_data, commitment_data, make_checkin, make_commitment
from trustrepair.models import User, UserSession
from trustrepair.sessions import SEEN_AT, SIGNED_IN_AT

pytestmark = pytest.mark.django_db

DASHBOARD = "/journal/"
PAGES = [DASHBOARD, "/journal/insights/", "/journal/timeline/"]


def rebuilt(client: Client, url: str = DASHBOARD, **extra: str) -> bool:
    """Whether the view built the page (rather than it being answered from the cache)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, **extra).status_code == 200
    return len(queries) > 1


def settled_client(user: User, url: str = DASHBOARD) -> tuple[Client, bytes]:
    """Signed in, and past the first views that set cookies; returns the page now kept."""
    client = Client()
    client.force_login(user)
    client.get(url)  # stamps the session as seen and sets the CSRF cookie
    kept = client.get(url)
    assert kept.status_code == 200
    return client, kept.content


@pytest.mark.parametrize("url", PAGES)
def test_a_repeat_view_is_answered_with_one_query(user, url, django_assert_num_queries):
    make_checkin(user, working="Evening walks")
    client, kept = settled_client(user, url)

    with django_assert_num_queries(1):  # the session, its person and their revision
        again = client.get(url)

    assert again.status_code == 200
    assert again.content == kept


def test_an_answered_page_carries_every_header_of_a_private_page(user):
    client, _ = settled_client(user)
    response = client.get(DASHBOARD)

    assert "no-store" in response["Cache-Control"]
    assert response["Vary"] == "Cookie"
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert not response.cookies


def test_a_change_without_a_message_shows_on_the_dashboard_at_once(user):
    commitment = make_commitment(user, text="Call at lunch")
    client, before = settled_client(user)
    # The htmx row update leaves no flash message, which would bypass the cache anyway.
    client.post(
        reverse("journal:commitment_status", args=[commitment.pk]), {"status": "kept"}, **HTMX
    )

    assert "messages" not in client.cookies
    assert b"Call at lunch" in before
    assert b"Call at lunch" not in client.get(DASHBOARD).content


def test_a_filtered_or_later_timeline_page_is_always_built(user):
    client, _ = settled_client(user, "/journal/timeline/?kind=checkins")
    assert rebuilt(client, "/journal/timeline/?kind=checkins")


def test_a_new_csrf_cookie_gets_a_page_with_its_own_token(user):
    client, _ = settled_client(user)
    client.cookies[settings.CSRF_COOKIE_NAME] = "x" * 32
    assert rebuilt(client)


def test_a_time_zone_changed_elsewhere_rebuilds_the_page(user):
    client, _ = settled_client(user)
    User.objects.filter(pk=user.pk).update(time_zone="Pacific/Auckland")  # as the admin would
    assert rebuilt(client)


def test_a_new_day_rebuilds_the_page(user, monkeypatch):
    client, _ = settled_client(user)
    tomorrow = page_cache.local_today("UTC") + timedelta(days=1)
    monkeypatch.setattr(page_cache, "local_today", lambda time_zone: tomorrow)
    assert rebuilt(client)


def test_an_unknown_host_is_refused_as_by_the_full_stack(user):
    client, _ = settled_client(user)
    assert client.get(DASHBOARD, headers={"host": "evil.example"}).status_code == 400


def test_a_failed_revision_update_does_not_undo_a_saved_change(user, monkeypatch, caplog):
    def locked(*args: object, **kwargs: object) -> None:
        raise OperationalError("database is locked")

    client = Client()
    client.force_login(user)
    monkeypatch.setattr("django.db.models.query.QuerySet.update", locked)

    response = client.post(reverse("journal:commitment_new"), commitment_data(text="Walk at six"))

    assert response.status_code == 302
    assert user.commitments.count() == 1
    assert "revision not raised: OperationalError" in caplog.text
    assert "Walk at six" not in caplog.text


def test_a_change_made_in_another_session_shows_at_once(user):
    phone, before = settled_client(user)
    laptop = Client()
    laptop.force_login(user)
    laptop.post(reverse("journal:commitment_new"), commitment_data(text="Text when leaving work"))

    after = phone.get(DASHBOARD).content

    assert b"Text when leaving work" not in before
    assert b"Text when leaving work" in after


def test_every_post_by_a_signed_in_person_raises_their_revision(user):
    client = Client()
    client.force_login(user)
    commitment = make_commitment(user)

    client.post(reverse("journal:commitment_status", args=[commitment.pk]), {"status": "kept"})
    client.post(reverse("journal:checkin_new"), {"trust": "not a number"})  # refused, still counted

    user.refresh_from_db()
    assert user.revision == 2


def test_a_post_by_someone_signed_out_changes_nobody(user):
    Client().post(reverse("journal:checkin_new"), checkin_data())
    user.refresh_from_db()
    assert user.revision == 0


def test_a_stranger_with_the_owners_csrf_cookie_gets_their_own_page(user, stranger):
    make_commitment(user, text="Robin's own promise")
    make_commitment(stranger, text="The stranger's promise")
    owner, _ = settled_client(user)
    intruder, _ = settled_client(stranger)
    intruder.cookies[settings.CSRF_COOKIE_NAME] = owner.cookies[settings.CSRF_COOKIE_NAME].value

    page = intruder.get(DASHBOARD).content.decode()

    assert "stranger&#x27;s promise" in page
    assert "Robin" not in page


def test_after_signing_out_the_old_cookie_gets_the_log_in_page(user):
    client, _ = settled_client(user)
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    client.post(reverse("logout"))

    replay = Client()
    for name, value in cookies.items():
        replay.cookies[name] = value
    response = replay.get(DASHBOARD)

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_an_expired_session_is_never_answered(user):
    client, _ = settled_client(user)
    UserSession.objects.filter(user=user).update(expire_date=timezone.now() - timedelta(seconds=1))

    assert client.get(DASHBOARD).status_code == 302


def test_a_deactivated_account_is_never_answered(user):
    client, _ = settled_client(user)
    User.objects.filter(pk=user.pk).update(is_active=False)

    assert client.get(DASHBOARD).status_code == 302


def test_a_password_changed_elsewhere_signs_this_session_out(user):
    client, _ = settled_client(user)
    user.set_password("a-whole-new-passphrase-77")
    user.save(update_fields=["password"])

    assert client.get(DASHBOARD).status_code == 302


def test_after_a_minute_idle_the_full_stack_refreshes_the_session(user, monkeypatch):
    client, _ = settled_client(user)
    expiry = UserSession.objects.get(user=user).expire_date
    later = page_cache.time.time() + 61
    monkeypatch.setattr(page_cache.time, "time", lambda: later)
    monkeypatch.setattr("trustrepair.middleware.time.time", lambda: later)

    response = client.get(DASHBOARD)

    assert response.status_code == 200
    # The session was saved again, its expiry pushed forward.
    assert settings.SESSION_COOKIE_NAME in response.cookies
    assert UserSession.objects.get(user=user).expire_date > expiry


def test_past_the_absolute_lifetime_the_session_ends_though_seen_just_now(user):
    client, _ = settled_client(user)
    session = client.session
    now = int(time.time())
    session[SIGNED_IN_AT] = now - settings.SESSION_ABSOLUTE_SECONDS - 5
    session[SEEN_AT] = now
    session.save()

    assert client.get(DASHBOARD).status_code == 302


def test_a_message_waiting_in_a_cookie_is_shown(user):
    client, _ = settled_client(user)
    waiting = CookieStorage(RequestFactory().get("/"))
    client.cookies["messages"] = waiting._encode([Message(SUCCESS, "Saved on your phone.")])

    assert b"Saved on your phone." in client.get(DASHBOARD).content


def test_a_waiting_message_is_shown_once_and_never_kept(user):
    client, _ = settled_client(user)
    client.post(reverse("journal:checkin_new"), checkin_data())

    with_message = client.get(DASHBOARD).content
    next_view = client.get(DASHBOARD).content
    kept_view = client.get(DASHBOARD).content

    assert b"Your check-in is saved." in with_message
    assert b"Your check-in is saved." not in next_view
    assert b"Your check-in is saved." not in kept_view


def test_htmx_requests_always_go_to_the_view(user):
    client, _ = settled_client(user)
    assert rebuilt(client, **HTMX)


def test_the_kept_page_is_encrypted_in_the_cache(user):
    make_checkin(user, working="Evening walks by the canal")
    settled_client(user, "/journal/timeline/")

    # LocMemCache keeps pickles of what it was given; these are the test's own.
    stored = [pickle.loads(value) for value in caches["journal-pages"]._cache.values()]  # noqa: S301
    kept = [value for value in stored if isinstance(value, tuple) and len(value) == 2]
    assert kept
    for _, token in kept:
        assert b"canal" not in token
    assert all(b"canal" not in pickle.dumps(value) for value in stored)


def test_nothing_is_kept_when_turned_off(user, settings):
    settings.JOURNAL_PAGE_SECONDS = 0
    client, _ = settled_client(user)
    assert rebuilt(client)
