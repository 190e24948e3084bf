"""Sending one reminder: an email and/or a Web Push notification, worded neutrally.

Nothing in a reminder says what the app is about: no trust, no partner, no journal,
no words the person wrote. A message seen on a lock screen reads like any notebook's.
"""

import base64
import hashlib
import json
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from .links import PAUSE, STOP, absolute, action_url
from .models import PushSubscription, ReminderSettings
from .rules import CHECK_IN, PLANS

log = logging.getLogger(__name__)

TITLE = "Notebook"
LINES = {
    CHECK_IN: "A moment for yourself today?",
    PLANS: "Something you planned for today.",
}
# How long a push service keeps trying to reach a device that is off.
PUSH_TTL_SECONDS = 6 * 3600
PUSH_TIMEOUT_SECONDS = 10


def subject(kind: str) -> str:
    return f"{TITLE}: {LINES[kind][0].lower()}{LINES[kind][1:]}"


def open_path(kind: str) -> str:
    path = reverse("reminders:open")
    return f"{path}?to=plans" if kind == PLANS else path


@dataclass
class Sent:
    email: int = 0
    push: int = 0
    push_removed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"email": self.email, "push": self.push, "push_removed": self.push_removed}


def send_email(reminders: ReminderSettings, kind: str) -> int:
    """One email, or none without an address or a known site address for its links."""
    address = reminders.user.email
    if not address:
        return 0
    stop = action_url(reminders, STOP)
    if not stop:
        log.warning("reminder email not sent: set SITE_URL so its links can work")
        return 0
    context = {
        "line": LINES[kind],
        "open_url": absolute(open_path(kind)),
        "pause_url": action_url(reminders, PAUSE),
        "stop_url": stop,
    }
    message = EmailMessage(
        subject=subject(kind),
        body=render_to_string("reminders/email.txt", context),
        to=[address],
        # One-click unsubscribe from the mail program itself (RFC 8058).
        headers={
            "List-Unsubscribe": f"<{stop}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    return message.send()


def push_payload(kind: str) -> str:
    """What the service worker shows: the neutral line and where a tap leads."""
    return json.dumps({"title": TITLE, "body": LINES[kind], "url": open_path(kind)})


def push_ready() -> bool:
    return bool(settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY)


def send_push(reminders: ReminderSettings, kind: str, sent: Sent) -> None:
    """One notification per device. A device the push service says is gone (404 or
    410) is forgotten."""
    from pywebpush import WebPushException, webpush

    if not push_ready():
        return
    payload = push_payload(kind)
    for subscription in PushSubscription.objects.filter(user_id=reminders.user_id):
        if not endpoint_allowed(subscription.endpoint):
            continue
        try:
            webpush(
                subscription_info={
                    "endpoint": subscription.endpoint,
                    "keys": json.loads(subscription.key),
                },
                data=payload,
                vapid_private_key=settings.VAPID_PRIVATE_KEY,
                # A new dict each time: pywebpush adds the audience and expiry to it.
                vapid_claims={"sub": settings.VAPID_SUBJECT},
                ttl=PUSH_TTL_SECONDS,
                timeout=PUSH_TIMEOUT_SECONDS,
            )
        except WebPushException as error:
            status = getattr(error.response, "status_code", None)
            if status in (404, 410):
                subscription.delete()
                sent.push_removed += 1
            else:
                log.warning("push not delivered: status %s", status)
            continue
        sent.push += 1


def deliver(reminders: ReminderSettings, kind: str) -> Sent:
    sent = Sent()
    if reminders.by_email:
        sent.email = send_email(reminders, kind)
    if reminders.by_push:
        send_push(reminders, kind, sent)
    return sent


# Subscriptions: what the browser sends, checked before it is kept.


def endpoint_allowed(endpoint: str) -> bool:
    """Only a known push service, over https: the worker POSTs to this address, so an
    arbitrary one would let anyone aim our server at any host (SSRF). A loopback host
    (for tests and local development) must be listed in PUSH_SERVICE_HOSTS by name."""
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").lower()
    if not host or len(endpoint) > 1000:
        return False
    allowed = [h.lower() for h in settings.PUSH_SERVICE_HOSTS]
    known = any(host == h or host.endswith(f".{h}") for h in allowed)
    if parts.scheme == "https":
        return known
    return parts.scheme == "http" and host in ("127.0.0.1", "localhost") and host in allowed


def _decoded_length(value: object) -> int:
    if not isinstance(value, str) or not value or len(value) > 200:
        return -1
    try:
        return len(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    except ValueError:
        return -1


def clean_subscription(data: object) -> tuple[str, dict[str, str]] | None:
    """(endpoint, keys) from PushSubscription.toJSON(), or None if it is not one."""
    if not isinstance(data, dict):
        return None
    endpoint, keys = data.get("endpoint"), data.get("keys")
    if not isinstance(endpoint, str) or not isinstance(keys, dict):
        return None
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    # An uncompressed P-256 point, and a 16-byte secret (RFC 8291).
    if _decoded_length(p256dh) != 65 or _decoded_length(auth) != 16:
        return None
    if not endpoint_allowed(endpoint):
        return None
    return endpoint, {"p256dh": str(p256dh), "auth": str(auth)}


def endpoint_hash(endpoint: str) -> str:
    return hashlib.sha256(endpoint.encode()).hexdigest()
