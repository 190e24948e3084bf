"""Session engine: Django's database sessions, stored with their user.

Knowing which sessions belong to whom lets a person list their active sessions
and end all the others, and lets account deletion end every session.
"""

import functools
import time
from datetime import UTC, datetime
from typing import Any, cast

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.db import DatabaseError, connections, router
from django.db.models import Field
from django.http import HttpRequest
from django.utils import timezone

from . import backends, sql
from .http import AuthenticatedHttpRequest
from .models import User, UserSession

SIGNED_IN_AT = "signed_in_at"
DEVICE = "device"
SEEN_AT = "seen_at"

_BROWSERS = (
    ("Edg/", "Edge"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def device_label(user_agent: str) -> str:
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), "A browser")
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), "")
    return f"{browser} on {system}" if system else browser


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls) -> type[UserSession]:
        return UserSession

    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        # A new request (or another store): no person read by an earlier load is handed on.
        backends.forget_read_with_session()

    def load(self) -> dict[str, Any]:
        """The session's data, by one SELECT, with the row of the person it belongs to.

        Every request of a signed-in person starts here: the ORM's get() built the same
        query and a model instance on each of them. Same rows, same expiry test. The
        person's row comes with it (the session's user column, joined) and goes to the
        sign-in backend, which would otherwise ask for it straight after.
        """
        using = router.db_for_read(UserSession)
        connection = connections[using]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(_load_sql(using), [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        data, user_id, person = row[0], row[1], row[2:]
        # A person who is gone leaves NULLs: nothing to hand on (the backend finds nobody).
        found = user_id is not None and person[0] is not None
        backends.read_with_session(using, user_id, person if found else None)
        return self.decode(data)

    def save(self, must_create: bool = False) -> None:
        """Creates a session as Django does; updates one by a single UPDATE.

        Django's store wraps the update in a transaction around Model.save(): on
        PostgreSQL three round trips (BEGIN, UPDATE, COMMIT) where one statement is
        atomic on its own. The same columns get the same values, and a session that is
        gone (ended from another device) still raises UpdateError, as Django's does.
        """
        if must_create or self.session_key is None:
            super().save(must_create=must_create)
            return
        # SessionBase's own accessor for the current data (django-stubs leave it out).
        data = self._get_session()  # type: ignore[attr-defined]
        instance = self.create_model_instance(data)
        using = router.db_for_write(UserSession, instance=instance)
        connection = connections[using]
        values = [
            field.get_db_prep_save(getattr(instance, field.attname), connection)
            for field in _SAVED_FIELDS
        ]
        try:
            with connection.cursor() as cursor:
                cursor.execute(_save_sql(using), [*values, self.session_key])
                updated = cursor.rowcount
        except DatabaseError:
            # As Django's store: a failed update interrupts the session (a 400), not a 500.
            raise UpdateError from None
        if updated != 1:
            raise UpdateError

    def create_model_instance(self, data: dict[str, Any]) -> UserSession:
        instance = cast(UserSession, super().create_model_instance(data))
        user_id = data.get(SESSION_KEY)
        instance.user_id = int(user_id) if user_id is not None else None
        signed_in_at = data.get(SIGNED_IN_AT)
        if signed_in_at:
            instance.created_at = datetime.fromtimestamp(signed_in_at, tz=UTC)
        instance.device = data.get(DEVICE, "")
        return instance


# The session's data if it has not expired, and the row of the person it belongs to.
_LOAD = (
    "SELECT s.{UserSession.session_data}, s.{UserSession.user}, {person}"
    " FROM {UserSession} s LEFT OUTER JOIN {User} u ON u.{User.id} = s.{UserSession.user}"
    " WHERE s.{UserSession.session_key} = %s AND s.{UserSession.expire_date} > %s"
)


@functools.cache
def _load_sql(using: str) -> str:
    return sql.statement(_LOAD, using, UserSession, User, person=backends.user_columns(using, "u"))


# Every column but the key, in the model's order: what Model.save(force_update=True) sets.
_SAVED_FIELDS: list[Field] = [
    field for field in UserSession._meta.concrete_fields if not field.primary_key
]


@functools.cache
def _save_sql(using: str) -> str:
    quote = connections[using].ops.quote_name
    assignments = ", ".join(f"{quote(cast(str, field.column))} = %s" for field in _SAVED_FIELDS)
    return sql.statement(
        "UPDATE {UserSession} SET {assignments} WHERE {UserSession.session_key} = %s",
        using,
        UserSession,
        assignments=assignments,
    )


def note_sign_in(request: HttpRequest) -> None:
    """Stamp a freshly signed-in session with its start time and a coarse device label."""
    request.session[SIGNED_IN_AT] = int(time.time())
    request.session[DEVICE] = device_label(request.headers.get("User-Agent", ""))


def active_sessions(user: User) -> list[UserSession]:
    return list(
        UserSession.objects.filter(user=user, expire_date__gt=timezone.now()).order_by(
            "-expire_date"
        )
    )


def end_other_sessions(request: AuthenticatedHttpRequest) -> int:
    deleted, _ = (
        UserSession.objects.filter(user=request.user)
        .exclude(session_key=request.session.session_key)
        .delete()
    )
    return deleted


def seconds_left(request: HttpRequest) -> int:
    """Roughly how long this signed-in session lasts without activity, in seconds.

    The idle expiry is pushed forward whenever the session is saved, which
    PrivatePagesMiddleware does at most once a minute (stamping SEEN_AT); the
    absolute lifetime is never pushed.
    """
    from django.conf import settings

    now = int(time.time())
    seen = request.session.get(SEEN_AT) or request.session.get(SIGNED_IN_AT) or now
    signed_in = request.session.get(SIGNED_IN_AT, now)
    idle_left = seen + settings.SESSION_COOKIE_AGE - now
    absolute_left = signed_in + settings.SESSION_ABSOLUTE_SECONDS - now
    return max(0, min(idle_left, absolute_left))


def refresh(request: HttpRequest) -> None:
    """Counts as activity: the session is saved, so its idle expiry starts again."""
    request.session[SEEN_AT] = int(time.time())
