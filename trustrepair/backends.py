"""How a signed-in person is read on each request: Django's ModelBackend, with one
written-out SELECT instead of a QuerySet.

Every page a signed-in person opens asks the backend for them, by id, once. The
ORM's get() built and compiled the same query each time, which cost more CPU than
the database took to answer it. Passwords, permissions and `user_can_authenticate`
(an inactive account is nobody) are ModelBackend's own.
"""

import functools
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections, router

from . import sql
from .models import User

# Stored in each session at sign-in (django.contrib.auth.login's `backend`); migration
# 0008 moved the sessions that named Django's ModelBackend onto it.
BACKEND = "trustrepair.backends.UserBackend"


@functools.cache
def _fields() -> tuple[str, ...]:
    return tuple(field.name for field in User._meta.concrete_fields)


@functools.cache
def _select(using: str) -> str:
    columns = ", ".join(sql.column(User, name, using) for name in _fields())
    return sql.statement(
        "SELECT {columns} FROM {User} WHERE {User.id} = %s", using, User, columns=columns
    )


class UserBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        using = router.db_for_read(User)
        with connections[using].cursor() as cursor:
            cursor.execute(_select(using), [pk])
            row = cursor.fetchone()
        if row is None:
            return None
        user = sql.instance(User, using, _fields(), row)
        return user if self.user_can_authenticate(user) else None
