"""The dashboard's two lists, each read by one precompiled SELECT.

Open commitments and recent check-ins are asked for on every dashboard; building
the ORM's queries cost ~1-2 ms each, the database's answers ~0.1 ms. Table and
column names come from the models (quoted for the database); every value is a
parameter; the commitment's text is decrypted by its own field.
"""

import functools
from typing import Any, cast

from django.db import connections, router
from django.db.models import Model

from guides.models import Lesson, Stage
from trustrepair import sql
from trustrepair.crypto import EncryptedTextField
from trustrepair.models import User

from ..models import CheckIn, Commitment, CommitmentStatus
from .rows import Row

# Soonest due first, so overdue ones lead; undated ones after, newest first. An open
# commitment has no resolved_at, so it is not read.
_OPEN = (
    "SELECT c.{id}, c.{text}, c.{due_date}, c.{due_time}, c.{strategy}, l.{title},"
    " s.{stage_slug}, l.{slug} FROM {commitments} c"
    " LEFT OUTER JOIN {lessons} l ON l.{lesson_id} = c.{lesson}"
    " LEFT OUTER JOIN {stages} s ON s.{stage_id} = l.{stage}"
    " WHERE c.{user} = %s AND c.{status} = %s"
    " ORDER BY c.{due_date} ASC NULLS LAST, c.{due_time} ASC NULLS LAST, c.{created} DESC"
    " LIMIT %s"
)
_RECENT = (
    "SELECT {id}, {date}, {trust}, {communication}, {connection} FROM {checkins}"
    " WHERE {user} = %s ORDER BY {date} DESC, {id} DESC LIMIT %s"
)
RECENT_COLUMNS = ("pk", "date", "trust", "communication", "connection")


def _quoted(using: str) -> tuple[Any, Any]:
    def column(model: type[Model], name: str) -> str:
        return sql.column(model, name, using)

    def table(model: type[Model]) -> str:
        return sql.table(model, using)

    return column, table


@functools.cache
def _open_sql(using: str) -> str:
    column, table = _quoted(using)
    names = ("id", "text", "due_date", "due_time", "strategy", "lesson", "user", "status")
    return _OPEN.format(
        **{name: column(Commitment, name) for name in names},
        created=column(Commitment, "created_at"),
        title=column(Lesson, "title"),
        slug=column(Lesson, "slug"),
        lesson_id=column(Lesson, "id"),
        stage=column(Lesson, "stage"),
        stage_id=column(Stage, "id"),
        stage_slug=column(Stage, "slug"),
        commitments=table(Commitment),
        lessons=table(Lesson),
        stages=table(Stage),
    )


@functools.cache
def _recent_sql(using: str) -> str:
    column, table = _quoted(using)
    names = ("id", "date", "trust", "communication", "connection", "user")
    return _RECENT.format(
        **{name: column(CheckIn, name) for name in names}, checkins=table(CheckIn)
    )


def open_rows(user: User, limit: int) -> list[Row]:
    """The person's first `limit` open commitments, as rows."""
    using = router.db_for_read(Commitment)
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(_open_sql(using), [user.pk, CommitmentStatus.OPEN.value, limit])
        found = cursor.fetchall()
    text = cast(EncryptedTextField, Commitment._meta.get_field("text"))
    return [
        Row(
            pk,
            text.from_db_value(cipher, None, connection) or "",
            due_date,
            due_time,
            strategy,
            CommitmentStatus.OPEN,
            None,
            lesson_title,
            stage_slug,
            lesson_slug,
        )
        for pk, cipher, due_date, due_time, strategy, lesson_title, stage_slug, lesson_slug in found
    ]


def recent_checkins(user: User, limit: int) -> list[dict[str, Any]]:
    """The person's latest `limit` check-ins, newest first: id, date and the three ratings."""
    using = router.db_for_read(CheckIn)
    with connections[using].cursor() as cursor:
        cursor.execute(_recent_sql(using), [user.pk, limit])
        return [dict(zip(RECENT_COLUMNS, row, strict=True)) for row in cursor.fetchall()]
