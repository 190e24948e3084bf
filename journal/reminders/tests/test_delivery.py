"""A reminder sent for real: through an SMTP server and to a push service, both started
here on 127.0.0.1, and read back on the other side."""

import base64
import datetime
import json
import logging
import os
import re
import signal
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

import http_ece
import pytest
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from journal.reminders import delivery, links
from journal.reminders.models import PushSubscription
from journal.reminders.tasks import schedule, send_reminder
from journal.reminders.tests.helpers import at, reminders_for
from tests.helpers import make_user
from tests.journal.helpers import make_checkin, make_commitment

pytestmark = pytest.mark.django_db

JOURNAL_TEXT = "Told Sam about the late nights at the office"
# Nothing in a reminder may hint at what the app is for.
GIVEAWAYS = ("trust", "partner", "journal", "check-in", "commitment", "relationship")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps what it is sent."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server(settings) -> Iterator[Inbox]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
    yield inbox
    controller.stop()


class PushService:
    """A push service on 127.0.0.1 that keeps each request and answers `status`."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        self.status = 201
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                service.requests.append(
                    (self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                self.send_response(service.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def push_service(settings) -> Iterator[PushService]:
    service = PushService()
    vapid = ec.generate_private_key(ec.SECP256R1())
    settings.VAPID_PRIVATE_KEY = b64(vapid.private_numbers().private_value.to_bytes(32, "big"))
    settings.VAPID_PUBLIC_KEY = b64(
        vapid.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )
    settings.VAPID_SUBJECT = "mailto:reminders@example.org"
    settings.PUSH_SERVICE_HOSTS = ["127.0.0.1"]
    yield service
    service.close()


class Device:
    """A browser's side of a push subscription: its key pair and auth secret."""

    def __init__(self) -> None:
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.p256dh = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )

    def subscription(self, endpoint: str) -> dict:
        return {"endpoint": endpoint, "keys": {"p256dh": b64(self.p256dh), "auth": b64(self.auth)}}

    def decrypt(self, body: bytes) -> str:
        return http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth, version="aes128gcm"
        ).decode()


def subscribe(user, device: Device, endpoint: str) -> PushSubscription:
    cleaned = delivery.clean_subscription(device.subscription(endpoint))
    assert cleaned is not None
    url, keys = cleaned
    return PushSubscription.objects.create(
        user=user,
        endpoint=url,
        key=json.dumps(keys),
        endpoint_hash=delivery.endpoint_hash(url),
    )


def journal_with_secrets(user) -> None:
    make_commitment(user, text=JOURNAL_TEXT, due_date=datetime.date.today())
    make_checkin(
        user,
        date=datetime.date.today() - datetime.timedelta(days=1),
        working=JOURNAL_TEXT,
        private_note=JOURNAL_TEXT,
    )


def test_a_reminder_email_goes_through_a_real_smtp_server(smtp_server: Inbox, settings):
    settings.SITE_URL = "https://notebook.example"
    robin = make_user("robin", email="robin@example.org")
    journal_with_secrets(robin)
    reminders = reminders_for(robin)

    result = send_reminder.call(robin.pk, datetime.date.today().isoformat(), "check-in")

    assert result["email"] == 1
    ((sender, recipients, raw),) = smtp_server.messages
    assert sender == "no-reply@localhost"
    assert recipients == ["robin@example.org"]
    message = message_from_bytes(raw, policy=policy.default)
    assert message["Subject"] == "Notebook: a moment for yourself today?"
    body = message.get_content()
    assert "A moment for yourself today?" in body
    assert "https://notebook.example/accounts/reminders/open/" in body
    urls = re.findall(r"https://notebook\.example/accounts/reminders/(?:pause|stop)/\S+", body)
    pause, stop = urls
    assert "/pause/?t=" in pause
    assert "/stop/?t=" in stop
    for action, url in (("pause", pause), ("stop", stop)):
        token = unquote(url.split("?t=", 1)[1])
        assert links.settings_for(token, action) == reminders
    assert message["List-Unsubscribe"] == f"<{stop}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    everything = raw.decode().lower()
    assert JOURNAL_TEXT.lower() not in everything
    for word in GIVEAWAYS:
        assert word not in everything, word


def test_a_reminder_push_reaches_the_push_service_encrypted_and_says_nothing_private(
    push_service: PushService, settings
):
    robin = make_user("robin")
    journal_with_secrets(robin)
    reminders_for(robin, by_email=False, by_push=True)
    device = Device()
    subscribe(robin, device, f"{push_service.url}/push/device-1")

    result = send_reminder.call(robin.pk, datetime.date.today().isoformat(), "check-in")

    assert result["push"] == 1
    ((path, headers, body),) = push_service.requests
    assert path == "/push/device-1"
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["authorization"].startswith("vapid t=")
    assert f"k={settings.VAPID_PUBLIC_KEY}" in headers["authorization"]
    assert int(headers["ttl"]) > 0
    assert JOURNAL_TEXT.encode() not in body  # encrypted on the wire

    payload = device.decrypt(body)
    assert json.loads(payload) == {
        "title": "Notebook",
        "body": "A moment for yourself today?",
        "url": "/accounts/reminders/open/",
    }
    assert JOURNAL_TEXT.lower() not in payload.lower()
    for word in GIVEAWAYS:
        assert word not in payload.lower(), word


def test_a_device_the_push_service_has_forgotten_is_removed(push_service: PushService):
    robin = make_user("robin")
    reminders_for(robin, by_email=False, by_push=True)
    subscribe(robin, Device(), f"{push_service.url}/push/gone")
    push_service.status = 410

    result = send_reminder.call(robin.pk, datetime.date.today().isoformat(), "check-in")

    assert result == {"email": 0, "push": 0, "push_removed": 1}
    assert not PushSubscription.objects.exists()


def test_at_most_one_email_and_one_push_per_device_for_one_reminder(
    smtp_server: Inbox, push_service: PushService, settings
):
    settings.SITE_URL = "https://notebook.example"
    robin = make_user("robin", email="robin@example.org")
    reminders_for(robin, by_email=True, by_push=True)
    subscribe(robin, Device(), f"{push_service.url}/push/phone")
    subscribe(robin, Device(), f"{push_service.url}/push/laptop")

    send_reminder.call(robin.pk, datetime.date.today().isoformat(), "plans")

    assert len(smtp_server.messages) == 1
    assert sorted(path for path, _, _ in push_service.requests) == ["/push/laptop", "/push/phone"]


def test_nothing_is_sent_once_the_person_has_checked_in_that_day(
    smtp_server: Inbox, push_service: PushService, settings
):
    settings.SITE_URL = "https://notebook.example"
    robin = make_user("robin", email="robin@example.org")
    reminders_for(robin, by_email=True, by_push=True)
    subscribe(robin, Device(), f"{push_service.url}/push/phone")
    make_checkin(robin, date=datetime.date(2026, 6, 2))

    assert send_reminder.call(robin.pk, "2026-06-02", "check-in") == {}
    assert smtp_server.messages == []
    assert push_service.requests == []


def run_worker_once() -> None:
    """`manage.py db_worker --batch` in this process; it sets signal handlers and log
    levels for itself, which are put back afterwards."""
    handlers = {
        sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
    }
    loggers = [logging.getLogger(name) for name in ("django.tasks", "django_tasks_db")]
    levels = [logger.level for logger in loggers]
    try:
        call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


# The worker closes and reopens database connections as it goes, as in production, so
# this test commits for real instead of running inside a transaction.
@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_what_the_scheduler_enqueued(smtp_server: Inbox, settings):
    settings.SITE_URL = "https://notebook.example"
    robin = make_user("robin", email="robin@example.org")
    reminders_for(robin, time=datetime.time(20, 0))

    assert schedule(at(2026, 6, 2, 20, 0)) == 1
    run_worker_once()

    assert len(smtp_server.messages) == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
