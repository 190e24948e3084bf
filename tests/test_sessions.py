import time
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import parse_http_date

from tests.helpers import PASSWORD, make_user
from trustrepair.models import UserSession
from trustrepair.sessions import SIGNED_IN_AT, SessionStore, device_label


def log_in(username: str = "sky", user_agent: str = "Mozilla/5.0 (X11; Linux) Firefox/140.0"):
    client = Client(HTTP_USER_AGENT=user_agent)
    client.post(reverse("login"), {"username": username, "password": PASSWORD})
    return client


@pytest.mark.django_db
def test_sessions_are_listed_with_a_coarse_device_label():
    make_user("sky")
    phone = log_in(user_agent="Mozilla/5.0 (iPhone) Safari/605.1")
    log_in()
    text = phone.get(reverse("sessions")).content.decode()
    assert "Safari on iPhone" in text
    assert "Firefox on Linux" in text
    assert "This device" in text


def test_device_label_never_keeps_the_full_user_agent():
    assert device_label("Mozilla/5.0 (Windows NT 10.0) Chrome/131.0 Safari/537") == (
        "Chrome on Windows"
    )
    assert device_label("") == "A browser"


@pytest.mark.django_db
def test_sign_out_everywhere_else_ends_the_other_sessions_only():
    make_user("sky")
    laptop = log_in()
    phone = log_in()
    response = laptop.post(reverse("end_other_sessions"))
    assert response.status_code == 302
    assert laptop.get(reverse("journal:dashboard")).status_code == 200
    assert phone.get(reverse("journal:dashboard")).status_code == 302


@pytest.mark.django_db
def test_a_cookie_replayed_after_logout_is_refused():
    make_user("sky")
    client = log_in()
    cookie = client.cookies["sessionid"].value
    client.post(reverse("logout"))
    replay = Client()
    replay.cookies["sessionid"] = cookie
    assert replay.get(reverse("journal:dashboard")).status_code == 302
    assert not UserSession.objects.filter(session_key=cookie).exists()


@pytest.mark.django_db
def test_a_session_older_than_the_absolute_lifetime_is_ended(settings):
    make_user("sky")
    client = log_in()
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 5
    session.save()
    assert client.get(reverse("journal:dashboard")).status_code == 302


@pytest.mark.django_db
def test_idle_timeout_is_thirty_minutes_by_default(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    make_user("sky")
    client = log_in()
    assert client.cookies["sessionid"]["max-age"] == 30 * 60


@pytest.mark.django_db
def test_private_pages_are_never_stored_by_the_browser(owner_client):
    for name in ["account", "sessions", "journal:dashboard"]:
        response = owner_client.get(reverse(name))
        assert "no-store" in response["Cache-Control"], name


@pytest.mark.django_db
def test_private_pages_carry_the_headers_add_never_cache_headers_would_then_no_store(
    owner_client,
):
    response = owner_client.get(reverse("journal:dashboard"))
    expected = HttpResponse()
    add_never_cache_headers(expected)
    expected["Cache-Control"] = "no-store, private"
    assert response["Cache-Control"] == expected["Cache-Control"]
    # Already expired: within a second of the one Django's helper would have written.
    assert abs(parse_http_date(response["Expires"]) - parse_http_date(expected["Expires"])) <= 1


@pytest.mark.django_db
def test_an_expired_session_is_not_loaded_even_if_its_row_is_still_there():
    make_user("sky")
    client = log_in()
    assert client.get(reverse("journal:dashboard")).status_code == 200
    key = client.cookies["sessionid"].value
    UserSession.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    assert client.get(reverse("journal:dashboard")).status_code == 302


@pytest.mark.django_db
def test_a_session_is_loaded_with_its_data():
    store = SessionStore()
    store["colour"] = "teal"
    store.save()

    loaded = SessionStore(store.session_key)
    assert loaded.load() == {"colour": "teal"}
    assert SessionStore("not-a-session-key-at-all").load() == {}


@pytest.mark.django_db
def test_a_saved_session_row_is_what_djangos_own_store_would_write():
    make_user("sky")
    client = log_in()
    key = client.cookies["sessionid"].value
    store = SessionStore(key)
    store["colour"] = "teal"

    def row() -> dict:
        return UserSession.objects.values().get(session_key=key)

    store.save()
    ours = row()
    DBStore.save(store)
    djangos = row()

    assert ours.keys() == djangos.keys()
    assert abs(ours.pop("expire_date") - djangos.pop("expire_date")) < timedelta(seconds=1)
    assert ours == djangos
    assert ours["user_id"] is not None
    assert ours["device"] == "Firefox on Linux"
    assert SessionStore(key).load()["colour"] == "teal"


@pytest.mark.django_db
def test_saving_a_session_ended_meanwhile_fails_as_djangos_store_does():
    store = SessionStore()
    store["colour"] = "teal"
    store.save()
    UserSession.objects.filter(session_key=store.session_key).delete()

    store["colour"] = "green"
    with pytest.raises(UpdateError):
        store.save()
    assert not UserSession.objects.exists()


@pytest.mark.django_db
def test_a_session_update_the_database_refuses_interrupts_the_session_as_djangos_does(
    monkeypatch,
):
    store = SessionStore()
    store["colour"] = "teal"
    store.save()
    monkeypatch.setattr("trustrepair.sessions._save_sql", lambda using: "UPDATE no_such_table")

    store["colour"] = "green"
    with pytest.raises(UpdateError):
        store.save()
