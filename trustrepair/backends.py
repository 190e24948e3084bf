"""How a signed-in person is read on each request: Django's ModelBackend, with their row
taken from the session's own SELECT, or else read by one written-out SELECT.

Every page a signed-in person opens asks the backend for them, by id, once. The
ORM's get() built and compiled the same query each time, which cost more CPU than
the database took to answer it; and the session, read just before, already knows
whose it is (its user column), so `sessions.SessionStore.load` reads the person's row
in the same statement and hands it here: one round trip to the database instead of
two. Passwords, permissions, `user_can_authenticate` (an inactive account is nobody)
and the session's hash check (django.contrib.auth.get_user) are Django's own.
"""

import functools
from collections.abc import Sequence
from contextvars import ContextVar
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections, router

from . import sql
from .models import User

# Stored in each session at sign-in (django.contrib.auth.login's `backend`); migration
# 0008 moved the sessions that named Django's ModelBackend onto it.
BACKEND = "trustrepair.backends.UserBackend"

# (database, user id, row): the person read with this request's session. Set only by
# the session's load, cleared by every new session store (each request makes its own),
# and taken at most once, by the id the session names: never another request's row.
_READ_WITH_SESSION: ContextVar[tuple[str, Any, tuple[Any, ...]] | None] = ContextVar(
    "read_with_session", default=None
)


@functools.cache
def _fields() -> tuple[str, ...]:
    return tuple(field.name for field in User._meta.concrete_fields)


@functools.cache
def user_columns(using: str, alias: str) -> str:
    """The person's columns, in the order the backend reads them, for a SELECT that
    names the user table `alias` (the session's load joins it)."""
    return ", ".join(f"{alias}.{sql.column(User, name, using)}" for name in _fields())


@functools.cache
def _select(using: str) -> str:
    return sql.statement(
        "SELECT {columns} FROM {User} u WHERE u.{User.id} = %s",
        using,
        User,
        columns=user_columns(using, "u"),
    )


def read_with_session(using: str, user_id: Any, row: Sequence[Any] | None) -> None:
    """What the session's load found: the row of `user_id` (None: nothing to hand on)."""
    _READ_WITH_SESSION.set(None if row is None else (using, user_id, tuple(row)))


def forget_read_with_session() -> None:
    _READ_WITH_SESSION.set(None)


class UserBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        using = router.db_for_read(User)
        read, row = _READ_WITH_SESSION.get(), None
        if read is not None:
            forget_read_with_session()
            if read[0] == using and read[1] == pk:
                row = read[2]
        if row is None:
            with connections[using].cursor() as cursor:
                cursor.execute(_select(using), [pk])
                row = cursor.fetchone()
        if row is None:
            return None
        user = sql.instance(User, using, _fields(), row)
        return user if self.user_can_authenticate(user) else None
