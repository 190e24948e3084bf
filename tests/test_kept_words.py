"""Never lose words: a form posted after the session ended comes back after signing in."""

import datetime
import json
import logging

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journal.models import CheckIn, LessonReflection
from journal.sharing.models import Share
from tests.helpers import HTMX, PASSWORD, make_user
from tests.journal.helpers import SECRET, checkin_data, make_checkin, make_commitment, make_lesson
from trustrepair import kept_words
from trustrepair.models import KeptForm, UserSession

pytestmark = pytest.mark.django_db
NEW = reverse("journal:checkin_new")


def signed_in(username: str = "robin") -> Client:
    """A browser that signed in through the form (so it holds the device cookie)."""
    client = Client()
    client.post(reverse("login"), {"username": username, "password": PASSWORD})
    return client


def time_out(client: Client) -> None:
    """The idle timeout passes: the session row is past its expiry, as after 30 minutes."""
    UserSession.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))


@pytest.fixture
def person(db):
    return make_user("robin")


def test_a_check_in_posted_after_the_timeout_is_kept_and_the_browser_sent_to_sign_in(person):
    client = signed_in()
    time_out(client)
    response = client.post(NEW, checkin_data(working=SECRET))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={NEW}"
    assert not CheckIn.objects.exists()
    kept = KeptForm.objects.get()
    assert kept.path == NEW
    cookie = response.cookies[settings.KEPT_WORDS_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == settings.KEPT_WORDS_MINUTES * 60
    # Only a hash of the browser's cookie is stored, and the words only encrypted.
    assert cookie.value not in kept.browser_hash
    with connection.cursor() as cursor:
        cursor.execute("SELECT fields FROM trustrepair_keptform")
        raw = cursor.fetchone()[0]
    assert SECRET not in raw
    assert "We kept what you wrote" in client.get(response["Location"]).content.decode()


def test_after_signing_in_the_same_form_is_filled_in_and_saved_with_one_tap(person):
    client = signed_in()
    time_out(client)
    client.post(NEW, checkin_data(trust="8", working=SECRET, private_note="Mine alone"))
    response = client.post(reverse("login"), {"username": "robin", "password": PASSWORD})
    assert response["Location"] == NEW
    page = client.get(NEW)
    text = page.content.decode()
    assert "We kept what you wrote. Check it, then save." in text
    assert f"{SECRET}</textarea>" in text
    assert "Mine alone</textarea>" in text
    assert 'name="trust" value="8" id="id_trust_8" checked' in text
    assert not CheckIn.objects.exists()  # shown, not saved behind the person's back
    assert not KeptForm.objects.exists()  # and no longer kept on the server
    form = page.context["form"]
    client.post(NEW, {k: v for k, v in form.data.items()})
    checkin = CheckIn.objects.get()
    assert (checkin.trust, checkin.working) == (8, SECRET)


def test_sign_in_from_anywhere_goes_to_the_words_waiting(person):
    client = signed_in()
    commitment = make_commitment(person)
    url = reverse("journal:commitment_edit", args=[commitment.pk])
    time_out(client)
    client.post(url, {"text": "Call at six", "strategy": "reliability"})
    response = client.post(
        reverse("login") + "?next=/journal/", {"username": "robin", "password": PASSWORD}
    )
    assert response["Location"] == url
    assert "Call at six</textarea>" in client.get(url).content.decode()


def test_someone_else_signing_in_on_the_same_browser_never_sees_them(person):
    make_user("other")
    client = signed_in()
    time_out(client)
    client.post(NEW, checkin_data(working=SECRET))
    client.post(reverse("login"), {"username": "other", "password": PASSWORD})
    text = client.get(NEW).content.decode()
    assert SECRET not in text
    assert kept_words.KEPT not in text
    assert not KeptForm.objects.exists()


def test_another_browser_finds_nothing(person):
    client = signed_in()
    time_out(client)
    client.post(NEW, checkin_data(working=SECRET))
    elsewhere = signed_in()
    assert SECRET not in elsewhere.get(NEW).content.decode()
    assert KeptForm.objects.count() == 1


def test_words_older_than_the_limit_are_neither_shown_nor_kept(person):
    client = signed_in()
    time_out(client)
    client.post(NEW, checkin_data(working=SECRET))
    too_old = timezone.now() - datetime.timedelta(minutes=settings.KEPT_WORDS_MINUTES + 1)
    KeptForm.objects.update(created_at=too_old)
    client.post(reverse("login"), {"username": "robin", "password": PASSWORD})
    assert SECRET not in client.get(NEW).content.decode()
    KeptForm.objects.create(browser_hash="x", account_tag="y", path="/", fields="{}")
    KeptForm.objects.update(created_at=too_old)
    call_command("purge_access_records", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not KeptForm.objects.exists()


def test_passwords_and_csrf_tokens_are_never_kept(person):
    client = signed_in()
    time_out(client)
    client.post(
        NEW,
        {**checkin_data(), "password": "hunter2-hunter2", "csrfmiddlewaretoken": "abc"},
    )
    client.post(reverse("login"), {"username": "robin", "password": PASSWORD})
    kept = json.loads(KeptForm.objects.get().fields)
    assert "password" not in kept
    assert "csrfmiddlewaretoken" not in kept


def test_a_post_with_nothing_typed_keeps_nothing(person):
    client = signed_in()
    time_out(client)
    response = client.post(NEW, {"trust": ""})
    assert not KeptForm.objects.exists()
    assert "Please sign in again" in client.get(response["Location"]).content.decode()


def test_a_browser_that_never_signed_in_keeps_nothing(person):
    response = Client().post(NEW, checkin_data(working=SECRET))
    assert response.status_code == 302
    assert not KeptForm.objects.exists()


def test_an_htmx_post_after_the_timeout_leaves_the_page_for_sign_in(person):
    lesson = make_lesson()
    client = signed_in()
    url = reverse("journal:reflection_save", args=[lesson.slug])
    time_out(client)
    response = client.post(url, {"text": SECRET}, **HTMX)
    assert response["HX-Redirect"] == f"{reverse('login')}?next={url}"
    client.post(reverse("login"), {"username": "robin", "password": PASSWORD})
    text = client.get(url).content.decode()
    assert f"{SECRET}</textarea>" in text
    client.post(url, {"text": SECRET})
    assert LessonReflection.objects.get().text == SECRET


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("journal:checkin_another_day", {"date": "2025-01-01", "working": SECRET}),
        ("journal:commitment_new", {"text": SECRET}),
        ("journal:commitment_status", {"status": "renegotiated", "reason": SECRET}),
        ("journal:checkin_edit", {"working": SECRET}),
        ("sharing:new", {"message": SECRET}),
    ],
)
def test_every_form_that_takes_words_keeps_them(person, name, data):
    args = []
    if name == "journal:commitment_status":
        args = [make_commitment(person).pk]
    elif name == "journal:checkin_edit":
        args = [make_checkin(person).pk]
    url = reverse(name, args=args)
    client = signed_in()
    time_out(client)
    client.post(url, data)
    client.post(reverse("login"), {"username": "robin", "password": PASSWORD})
    assert SECRET in client.get(url).content.decode()


def test_quick_exit_forgets_what_this_browser_left(person):
    client = signed_in()
    time_out(client)
    client.post(NEW, checkin_data(working=SECRET))
    client.post(reverse("quick_exit"))
    assert not KeptForm.objects.exists()


def test_deleting_the_account_deletes_its_kept_words(person):
    client = signed_in()
    time_out(client)
    client.post(NEW, checkin_data(working=SECRET))
    client.post(reverse("login"), {"username": "robin", "password": PASSWORD})
    # A second form left behind, not yet looked at, then the account goes.
    KeptForm.objects.create(
        browser_hash="b", account_tag=KeptForm.objects.get().account_tag, path="/x/", fields="{}"
    )
    client.post(reverse("delete_account"), {"password": PASSWORD, "confirm": "delete"})
    assert not KeptForm.objects.exists()


def test_nothing_kept_reaches_a_log(person, caplog):
    client = signed_in()
    time_out(client)
    with caplog.at_level(logging.DEBUG):
        client.post(NEW, checkin_data(working=SECRET))
        client.post(reverse("login"), {"username": "robin", "password": PASSWORD})
        client.get(NEW)
    assert SECRET not in caplog.text


def test_keeping_is_limited_per_address(person, settings):
    client = signed_in()
    time_out(client)
    for _ in range(kept_words.KEPT_PER_HOUR + 3):
        client.post(NEW, checkin_data(working=SECRET))
    # One row per browser and page, and no more saved once the hour's share is used.
    assert KeptForm.objects.count() == 1
    response = client.post(reverse("journal:commitment_new"), {"text": SECRET})
    assert "Please sign in again" in client.get(response["Location"]).content.decode()


def test_stay_signed_in_pushes_the_idle_expiry_forward(person):
    client = signed_in()
    UserSession.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=2))
    response = client.post(reverse("stay_signed_in"))
    assert response.status_code == 200
    assert response.json()["signed_in"] is True
    assert response.json()["seconds_left"] > settings.SESSION_COOKIE_AGE - 5
    expiry = UserSession.objects.get().expire_date
    assert expiry > timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 5)


def test_stay_signed_in_after_the_timeout_says_so(person):
    client = signed_in()
    time_out(client)
    response = client.post(reverse("stay_signed_in"))
    assert response.status_code == 401
    assert response.json() == {"signed_in": False}


def test_pages_tell_the_idle_warning_how_long_the_session_has(person):
    client = signed_in()
    text = client.get(reverse("journal:dashboard")).content.decode()
    assert 'id="idle-warning"' in text
    left = int(text.split('data-seconds-left="')[1].split('"')[0])
    assert settings.SESSION_COOKIE_AGE - 70 <= left <= settings.SESSION_COOKIE_AGE
    assert 'id="idle-warning"' not in Client().get("/").content.decode()


def test_a_share_message_is_kept_through_the_password_check(person):
    # Signing in counts as the password check, so the kept share form shows at once.
    client = signed_in()
    time_out(client)
    client.post(reverse("sharing:new"), {"message": SECRET, "period": "2w", "action": "create"})
    client.post(reverse("login"), {"username": "robin", "password": PASSWORD})
    response = client.get(reverse("sharing:new"))
    assert response.status_code == 200
    assert SECRET in response.content.decode()
    assert not Share.objects.exists()
