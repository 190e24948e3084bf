"""Signed, one-click pause and stop links for the reminder messages.

A link carries the person's id and their settings' random token, signed with
SECRET_KEY (django.core.signing, HMAC-SHA256) and a salt per action: it cannot be
guessed or changed, a pause link cannot stop, and a new token retires old links.
Opening one needs no sign-in (the message may be read on another device), and a GET
only shows a button: mail scanners that follow links cannot change anything.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import ReminderSettings

PAUSE, STOP = "pause", "stop"
ACTIONS = (PAUSE, STOP)


def _salt(action: str) -> str:
    return f"journal.reminders.{action}"


def make_token(reminders: ReminderSettings, action: str) -> str:
    return signing.dumps({"u": reminders.user_id, "t": reminders.token}, salt=_salt(action))


def settings_for(token: str, action: str) -> ReminderSettings | None:
    """The settings a link is for, or None for a tampered, foreign or retired link."""
    try:
        data = signing.loads(token, salt=_salt(action))
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user_id, token_part = data.get("u"), data.get("t")
    if not isinstance(user_id, int) or not isinstance(token_part, str):
        return None
    return ReminderSettings.objects.filter(user_id=user_id, token=token_part).first()


def site_url() -> str:
    """Where the app is, for links in a message sent from the worker (no request there):
    SITE_URL, or else https:// and the first host in ALLOWED_HOSTS if it is a real one."""
    if settings.SITE_URL:
        return settings.SITE_URL
    hosts = [h for h in settings.ALLOWED_HOSTS if h and not h.startswith((".", "*"))]
    return f"https://{hosts[0]}" if hosts else ""


def absolute(path: str) -> str:
    base = site_url()
    return f"{base}{path}" if base else ""


def action_url(reminders: ReminderSettings, action: str) -> str:
    path = reverse(f"reminders:{action}")
    return absolute(f"{path}?{urlencode({'t': make_token(reminders, action)})}")
