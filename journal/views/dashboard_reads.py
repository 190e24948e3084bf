"""The dashboard's two lists, each read by one precompiled SELECT.

Open commitments and recent check-ins are asked for on every dashboard; building
the ORM's queries cost ~1-2 ms each, the database's answers ~0.1 ms. Table and
column names come from the models (quoted for the database); every value is a
parameter; the commitment's text is decrypted by its own field.
"""

from typing import Any, cast

from django.db import connections, router

from guides.models import Lesson, Stage
from trustrepair import sql
from trustrepair.crypto import EncryptedTextField
from trustrepair.models import User

from ..models import CheckIn, Commitment, CommitmentStatus
from .rows import Row

# Soonest due first, so overdue ones lead; undated ones after, newest first. An open
# commitment has no resolved_at, so it is not read.
_OPEN = (
    "SELECT c.{Commitment.id}, c.{Commitment.text}, c.{Commitment.due_date},"
    " c.{Commitment.due_time}, c.{Commitment.strategy}, l.{Lesson.title}, s.{Stage.slug},"
    " l.{Lesson.slug} FROM {Commitment} c"
    " LEFT OUTER JOIN {Lesson} l ON l.{Lesson.id} = c.{Commitment.lesson}"
    " LEFT OUTER JOIN {Stage} s ON s.{Stage.id} = l.{Lesson.stage}"
    " WHERE c.{Commitment.user} = %s AND c.{Commitment.status} = %s"
    " ORDER BY c.{Commitment.due_date} ASC NULLS LAST, c.{Commitment.due_time} ASC NULLS LAST,"
    " c.{Commitment.created_at} DESC LIMIT %s"
)
_RECENT = (
    "SELECT {CheckIn.id}, {CheckIn.date}, {CheckIn.trust}, {CheckIn.communication},"
    " {CheckIn.connection} FROM {CheckIn} WHERE {CheckIn.user} = %s"
    " ORDER BY {CheckIn.date} DESC, {CheckIn.id} DESC LIMIT %s"
)
RECENT_COLUMNS = ("pk", "date", "trust", "communication", "connection")


def open_rows(user: User, limit: int) -> list[Row]:
    """The person's first `limit` open commitments, as rows."""
    using = router.db_for_read(Commitment)
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(
            sql.statement(_OPEN, using, Commitment, Lesson, Stage),
            [user.pk, CommitmentStatus.OPEN.value, limit],
        )
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
        cursor.execute(sql.statement(_RECENT, using, CheckIn), [user.pk, limit])
        return [dict(zip(RECENT_COLUMNS, row, strict=True)) for row in cursor.fetchall()]
