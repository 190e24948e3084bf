"""The pause and stop links in every reminder: signed, one click, no sign-in needed."""

import datetime

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journal.reminders import links
from journal.reminders.models import ReminderSettings
from journal.reminders.tests.helpers import reminders_for

pytestmark = pytest.mark.django_db

PAUSE, STOP = reverse("reminders:pause"), reverse("reminders:stop")


@pytest.fixture
def reminders(user) -> ReminderSettings:
    return reminders_for(user)


def fresh(reminders: ReminderSettings) -> ReminderSettings:
    reminders.refresh_from_db()
    return reminders


def test_opening_a_pause_link_signed_out_only_asks(reminders):
    token = links.make_token(reminders, links.PAUSE)
    page = Client().get(PAUSE, {"t": token})

    assert page.status_code == 200
    text = page.content.decode()
    assert "Pause reminders for a week?" in text
    assert f'action="{PAUSE}"' in text
    assert 'method="post"' in text
    assert "no-store" in page["Cache-Control"]
    assert fresh(reminders).paused_until is None  # a link scanner's GET changes nothing
    assert Client().head(PAUSE, {"t": token}).status_code == 200
    assert fresh(reminders).paused_until is None


def test_the_button_pauses_for_a_week_without_signing_in(reminders):
    token = links.make_token(reminders, links.PAUSE)
    client = Client(enforce_csrf_checks=True)
    form = client.get(PAUSE, {"t": token})
    csrf = form.cookies["csrftoken"].value

    response = client.post(PAUSE, {"t": token, "csrfmiddlewaretoken": csrf})

    assert response.status_code == 200
    assert "Reminders are paused" in response.content.decode()
    paused = fresh(reminders).paused_until
    assert paused is not None
    assert paused - timezone.now() > datetime.timedelta(days=6, hours=23)
    assert not reminders.stopped


def test_the_stop_link_stops_them_and_the_mail_programs_one_click_works_too(reminders):
    token = links.make_token(reminders, links.STOP)
    assert "Stop reminders?" in Client().get(STOP, {"t": token}).content.decode()
    assert not fresh(reminders).stopped

    # RFC 8058: the mail program POSTs "List-Unsubscribe=One-Click" to the link itself.
    response = Client(enforce_csrf_checks=True).post(
        f"{STOP}?t={token}", {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert fresh(reminders).stopped


def test_a_tampered_or_guessed_link_is_refused_and_changes_nothing(reminders, stranger):
    token = links.make_token(reminders, links.STOP)
    payload, signature = token.rsplit(":", 1)
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    other = reminders_for(stranger)
    forged = signing.dumps({"u": other.user_id, "t": reminders.token}, salt="guess")
    for bad in (
        f"{payload}:{flipped}",
        token[:-3],
        "not-a-token",
        "",
        forged,
        links.make_token(reminders, links.PAUSE),  # a pause link cannot stop
    ):
        response = Client().post(STOP, {"t": bad})
        assert response.status_code == 404, bad
        assert "This link does not work" in response.content.decode()
    assert not fresh(reminders).stopped
    assert not fresh(other).stopped


def test_links_name_only_their_own_person(reminders, stranger):
    other = reminders_for(stranger)
    Client().post(STOP, {"t": links.make_token(other, links.STOP)})
    assert fresh(other).stopped
    assert not fresh(reminders).stopped


def test_a_new_token_retires_old_links(reminders):
    old = links.make_token(reminders, links.PAUSE)
    reminders.token = "a-new-random-token"
    reminders.save()
    assert Client().post(PAUSE, {"t": old}).status_code == 404
    assert links.settings_for(links.make_token(reminders, links.PAUSE), links.PAUSE) == reminders


def test_the_links_are_absolute_and_carry_a_signed_token(reminders, settings):
    settings.SITE_URL = "https://notebook.example"
    url = links.action_url(reminders, links.STOP)
    assert url.startswith("https://notebook.example/accounts/reminders/stop/?t=")
    token = url.split("t=", 1)[1]
    assert signing.loads(token.replace("%3A", ":"), salt="journal.reminders.stop")["u"] == (
        reminders.user_id
    )
    # 128 random bits in the settings row, and a signature over them.
    assert len(reminders.token) >= 21


def test_without_site_url_the_first_allowed_host_is_used(settings):
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = [".example.org", "notebook.example.org"]
    assert links.site_url() == "https://notebook.example.org"
    settings.ALLOWED_HOSTS = ["*"]
    assert links.site_url() == ""


def test_a_links_token_never_reaches_the_log(reminders, caplog):
    token = links.make_token(reminders, links.STOP)
    with caplog.at_level("INFO", logger="trustrepair.requests"):
        Client().get(STOP, {"t": token})
        Client().post(STOP, {"t": token})
    assert "GET /accounts/reminders/stop/ 200" in caplog.text
    assert token.split(":")[0] not in caplog.text
