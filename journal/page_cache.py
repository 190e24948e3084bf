"""A person's own journal pages, kept for the browser session that asked, for a minute.

Building the dashboard or insights of someone with years of entries costs many
queries and a large template; people go back and forth between these pages far
more often than they write. So a rendered page is kept for the same browser
session and answered early in the middleware stack, before sessions, CSRF, auth
and routing, with one query that checks the session is still good.

A miss is always safe: the request goes through the whole stack as usual. A
page is answered from here only when all of these hold:

- It is a plain GET of one of PAGE_NAMES, with no query string (a filtered or
  later timeline page is built each time, so nobody can fill the cache with
  endless addresses), not htmx, no pending message, for an allowed host, with
  the same session cookie and CSRF cookie it was rendered for (the page carries
  a CSRF token made from that cookie).
- The session row exists and has not expired, it is signed in as the person the
  page was rendered for, it was seen within the last minute (so the full stack
  still runs the idle refresh and the absolute lifetime), and the account is
  active.
- Nothing changed: the key holds the person's revision (raised by every POST
  they make, see JournalPageCacheMiddleware), their password hash (changing it
  signs other sessions out), their time zone and local date, and the site's
  templates and assets.

The page is stored encrypted with a key derived from the session key and the
field-encryption key: whatever cache backend is used, it never holds readable
journal text, and reading an entry needs both that browser's session and the
encryption key. Pages live in their own cache ("journal-pages"), so they never
push out the shared lesson pages or the share-link throttle.

Known limit: a full save of an old copy of a User (an admin edit made while the
person was writing elsewhere) can put back an older revision; the page kept
under it is then at most JOURNAL_PAGE_SECONDS old.
"""

import base64
import datetime
import hashlib
import logging
import time
import zoneinfo
from collections.abc import Callable
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, connection
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from guides.caching import site_version
from trustrepair.middleware import SEEN_REFRESH_SECONDS
from trustrepair.models import User
from trustrepair.sessions import SEEN_AT, SIGNED_IN_AT, SessionStore

PAGE_NAMES = ("journal:dashboard", "journal:insights", "journal:timeline")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")

# Raw SQL on purpose: it runs on every answered request, and building the ORM
# query would cost more than running it.
_SESSION_SQL = (
    "SELECT s.session_data, u.id, u.password, u.is_active, u.time_zone, u.revision "
    "FROM trustrepair_usersession s JOIN trustrepair_user u ON u.id = s.user_id "
    "WHERE s.session_key = %s AND s.expire_date > %s"
)
_MESSAGES_KEY = "_messages"  # where session-stored messages wait (SessionStorage)
_session_decoder = SessionStore()
CACHE_ALIAS = "journal-pages"
log = logging.getLogger(__name__)


def note_change(user: User) -> None:
    """Anything this person changed may show on their pages: none kept so far is used again."""
    try:
        User.objects.filter(pk=user.pk).update(revision=F("revision") + 1)
    except DatabaseError as exc:
        # The change itself is already saved: answering 500 now would invite a
        # duplicate on retry. Their kept pages expire within JOURNAL_PAGE_SECONDS.
        log.error("revision not raised: %s", type(exc).__name__)


def local_today(time_zone: str) -> datetime.date | None:
    try:
        return datetime.datetime.now(zoneinfo.ZoneInfo(time_zone)).date()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _page_key(
    session_key: str,
    csrf_cookie: str,
    path: str,
    user_id: int,
    password: str,
    time_zone: str,
    revision: int,
) -> str | None:
    today = local_today(time_zone)
    if today is None:
        return None
    parts = (session_key, csrf_cookie, path, user_id, password, time_zone, revision, today)
    digest = hashlib.sha256(site_version().encode())
    digest.update(repr(parts).encode())
    return f"journal-page:{digest.hexdigest()}"


def _fernet(session_key: str) -> Fernet:
    # After a key rotation the old entries no longer decrypt: they are rebuilt.
    secret = salted_hmac(
        "journal.page_cache",
        session_key,
        secret=settings.FIELD_ENCRYPTION_KEYS[0],
        algorithm="sha256",
    ).digest()
    return Fernet(base64.urlsafe_b64encode(secret))


class JournalPageCacheMiddleware:
    """Answers repeat views of a person's journal pages early; notes every change they make.

    Sits where AnonymousLessonMiddleware does: inside the security, CSP and
    frame-options middleware, so an answered page still gets every header.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.paths: frozenset[str] | None = None

    def _eligible(self, request: HttpRequest) -> bool:
        if self.paths is None:
            self.paths = frozenset(reverse(name) for name in PAGE_NAMES)
        return (
            request.method == "GET"
            and settings.JOURNAL_PAGE_SECONDS > 0
            and not settings.DEBUG
            and request.path_info in self.paths
            and not request.META.get("QUERY_STRING")
            and "HX-Request" not in request.headers
            and "messages" not in request.COOKIES
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        eligible = self._eligible(request)
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
        csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
        if eligible and session_key and csrf_cookie:
            answered = self._answer(request, session_key, csrf_cookie)
            if answered is not None:
                return answered

        response = self.get_response(request)

        user: Any = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in and request.method not in SAFE_METHODS and settings.JOURNAL_PAGE_SECONDS:
            note_change(user)
        elif signed_in and eligible and csrf_cookie and self._storable(request, response):
            self._store(request, response, user, session_key, csrf_cookie)
        return response

    def _answer(
        self, request: HttpRequest, session_key: str, csrf_cookie: str
    ) -> HttpResponse | None:
        try:
            request.get_host()  # as CommonMiddleware would: a bad Host gets its 400 there
        except DisallowedHost:
            return None
        with connection.cursor() as cursor:
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            cursor.execute(_SESSION_SQL, [session_key, now])
            row = cursor.fetchone()
        if row is None:
            return None
        session_data, user_id, password, is_active, time_zone, revision = row
        session = _session_decoder.decode(session_data)
        seconds = int(time.time())
        if (
            not is_active
            or session.get(SESSION_KEY) != str(user_id)
            or _MESSAGES_KEY in session
            or seconds - session.get(SEEN_AT, 0) > SEEN_REFRESH_SECONDS
            or seconds - session.get(SIGNED_IN_AT, 0) > settings.SESSION_ABSOLUTE_SECONDS
        ):
            return None
        key = _page_key(
            session_key,
            csrf_cookie,
            request.get_full_path(),
            user_id,
            password,
            time_zone,
            revision,
        )
        kept = caches[CACHE_ALIAS].get(key) if key else None
        if kept is None:
            return None
        headers, token = kept
        try:
            content = _fernet(session_key).decrypt(token)
        except InvalidToken:
            return None
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        return response

    @staticmethod
    def _storable(request: HttpRequest, response: HttpResponse) -> bool:
        session = getattr(request, "session", None)
        # A response that sets a cookie (a refreshed or new session, a consumed
        # message) belongs to that one request only. The CSRF cookie is sent
        # again with every page that uses it, only to renew its expiry: that one
        # is fine as long as its value is the one the request came with.
        cookies = dict(response.cookies)
        csrf = cookies.pop(settings.CSRF_COOKIE_NAME, None)
        return (
            response.status_code == 200
            and not response.streaming
            and not cookies
            and (csrf is None or csrf.value == request.COOKIES.get(settings.CSRF_COOKIE_NAME))
            and session is not None
            and session.session_key == request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        )

    @staticmethod
    def _store(
        request: HttpRequest,
        response: HttpResponse,
        user: User,
        session_key: str,
        csrf_cookie: str,
    ) -> None:
        key = _page_key(
            session_key,
            csrf_cookie,
            request.get_full_path(),
            user.pk,
            user.password,
            user.time_zone,
            user.revision,
        )
        if key is None:
            return
        token = _fernet(session_key).encrypt(response.content)
        caches[CACHE_ALIAS].set(key, (list(response.items()), token), settings.JOURNAL_PAGE_SECONDS)
