"""Nothing a person writes may reach a log line, including when a page fails."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from journal.models import CheckIn
from tests.helpers import PASSWORD, make_user

MARKER = "LOGMARKER-c41e9"


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        self.lines.append(text)


@pytest.fixture
def captured():
    handler = Capture()
    root = logging.getLogger()
    loggers = [root, *(logging.getLogger(n) for n in ("django", "django.request", "trustrepair"))]
    old_level = root.level
    root.setLevel(logging.DEBUG)
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)
    root.setLevel(old_level)


def all_text(handler: Capture) -> str:
    return "\n".join(handler.lines)


@pytest.mark.django_db
def test_marker_typed_into_every_form_never_reaches_the_logs(captured):
    user = make_user("sky")
    client = Client()
    # Sign-up and login forms (a failing attempt, then a good one).
    client.post(
        reverse("signup"),
        {"username": "x", "password1": MARKER, "password2": MARKER + "2", "email": "bad"},
    )
    client.post(reverse("login"), {"username": MARKER, "password": MARKER})
    client.force_login(user)
    client.post(reverse("confirm_password"), {"password": PASSWORD})
    client.post(
        reverse("journal:commitment_new"),
        {"text": MARKER, "strategy": "reliability", "note": MARKER},
    )
    client.post(
        reverse("journal:checkin_new"),
        {
            "trust": "7",
            "communication": "3",
            "connection": "4",
            "working": MARKER,
            "needs_work": MARKER,
            "appreciation": MARKER,
            "private_note": MARKER,
        },
    )
    client.post(
        reverse("sharing:new"),
        {
            "period": "2w",
            "include_ratings": "on",
            "message": MARKER,
            "expiry_days": "7",
            "action": "create",
        },
    )
    assert CheckIn.objects.filter(user=user).exists()
    assert captured.lines, "the request log should have recorded the requests"
    assert MARKER not in all_text(captured)


@pytest.mark.django_db
def test_a_failing_page_logs_the_error_without_what_was_written(captured, monkeypatch):
    user = make_user("sky")
    client = Client(raise_request_exception=False)
    client.force_login(user)

    def explode(*args, **kwargs):
        raise ValueError(f"could not save {MARKER}")

    # The check-in form's save: a new check-in is inserted without CheckIn.save().
    monkeypatch.setattr("journal.checkin_forms.CheckInForm.save", explode)
    response = client.post(
        reverse("journal:checkin_new"),
        {"trust": "7", "communication": "3", "connection": "4", "private_note": MARKER},
    )
    assert response.status_code == 500
    assert MARKER not in response.content.decode()
    text = all_text(captured)
    assert "unhandled ValueError" in text
    assert MARKER not in text


@pytest.mark.django_db
def test_share_tokens_are_masked_in_the_request_log(captured):
    token = "abcDEF123_secret-token-value-for-the-log-test"
    Client().get(f"/s/{token}/")
    text = all_text(captured)
    assert "/s/<token>/" in text
    assert token not in text


@pytest.mark.django_db
def test_password_reset_links_are_masked_in_the_request_log(captured):
    import re

    from django.core import mail

    make_user("sky", email="sky@example.org")
    client = Client()
    client.post(reverse("password_reset"), {"email": "sky@example.org"})
    link = re.search(r"https?://[^/]+(/accounts/reset/[^\s]+)", mail.outbox[0].body).group(1)
    uid, token = link.split("/")[3:5]
    opened = client.get(link)  # Django swaps the token for "set-password" and redirects
    client.get(opened["Location"])
    text = all_text(captured)
    assert "/accounts/reset/<uid>/<token>/" in text
    assert token not in text
    assert uid not in text
    assert "POST /accounts/reset/ 302" in text  # paths without a secret stay readable
