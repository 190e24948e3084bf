"""Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies").

The sign-in lockout is per username and client address, so on one home network a
person guessing at someone's username also locks the owner out of their own phone.
A browser that signed in to an account successfully gets a signed cookie naming that
account (by a keyed hash, never in the clear); at the sign-in form such a browser is
exempt from the lockout of that username. Its own wrong passwords are still counted,
per cookie, and after as many as the lockout allows the cookie no longer exempts it.

django-axes has no device cookies (jazzband/django-axes#300); its whitelist callable
(AXES_WHITELIST_CALLABLE) is the hook, so a trusted browser is never locked out and
its failures are not counted against the username and address either.
"""

import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare, salted_hmac

from . import limits

SALT = "trustrepair.device_cookie"
SCOPE = "device-cookie-failures"


def _tag(username: str) -> str:
    return salted_hmac(SALT, username, algorithm="sha256").hexdigest()[:24]


def _max_age() -> int:
    return settings.DEVICE_COOKIE_DAYS * 24 * 3600


def remember(request: HttpRequest, response: HttpResponse, username: str) -> None:
    """Marks this browser as one that signed in to `username` (after every step)."""
    response.set_signed_cookie(
        settings.DEVICE_COOKIE_NAME,
        f"{_tag(username)}:{secrets.token_urlsafe(16)}",
        salt=SALT,
        max_age=_max_age(),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def account_tag(username: str) -> str:
    """The keyed hash that names `username` in the cookie (never the name itself)."""
    return _tag(username)


def last_account_tag(request: HttpRequest) -> str | None:
    """Which account this browser last signed in to, by tag, if its cookie is genuine.

    Every sign-in rewrites the cookie, so this names the account of the browser's
    latest session (trustrepair.kept_words binds what was typed to it).
    """
    value = request.get_signed_cookie(
        settings.DEVICE_COOKIE_NAME, default=None, salt=SALT, max_age=_max_age()
    )
    if not value or ":" not in value:
        return None
    return value.split(":", 1)[0]


def _nonce_for(request: HttpRequest, username: str | None) -> str | None:
    """This browser's cookie nonce, if its cookie is genuine and names `username`."""
    if not username:
        return None
    value = request.get_signed_cookie(
        settings.DEVICE_COOKIE_NAME, default=None, salt=SALT, max_age=_max_age()
    )
    if not value or ":" not in value:
        return None
    tag, nonce = value.split(":", 1)
    return nonce if constant_time_compare(tag, _tag(username)) else None


def trusted_for(request: HttpRequest, username: str | None) -> bool:
    nonce = _nonce_for(request, username)
    return nonce is not None and limits.count(SCOPE, nonce) < settings.AXES_FAILURE_LIMIT


def note_failure(request: HttpRequest, username: str | None) -> None:
    """A wrong password from a trusted browser counts against its cookie."""
    nonce = _nonce_for(request, username)
    if nonce is not None:
        window = int(settings.AXES_COOLOFF_TIME.total_seconds())
        limits.hit(SCOPE, nonce, settings.AXES_FAILURE_LIMIT, window)


def exempt_from_lockout(request: HttpRequest, credentials: dict | None) -> bool:
    """django-axes' whitelist callable: a trusted browser, at the sign-in form only.

    Password re-checks on a signed-in device (confirm, change, delete) never get the
    exemption: someone holding the unlocked phone is exactly who they slow down.
    """
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name != "login":
        return False
    return trusted_for(request, (credentials or {}).get("username"))
