"""The link to a frozen summary: its token, its life (views, reply, revoke), and guessing."""

import datetime
import functools
import hashlib
import json
import secrets

from django.db import connection
from django.utils import timezone

from trustrepair import limits, sql
from trustrepair.models import User

from .models import Share

TOKEN_BYTES = 32  # 256 bits
EXPIRY_CHOICES = {1: "1 day", 7: "7 days", 30: "30 days"}
DEFAULT_EXPIRY_DAYS = 7
# Guessing share links: misses allowed per address in the window before a pause.
GUESS_LIMIT = 20
GUESSES = limits.Guesses("share-guess", "sharing/throttled.html", GUESS_LIMIT, window=15 * 60)
# The partner's page looks its share up on every visit. Built through the ORM (a join
# and three conditions) the lookup cost three times what running it does, and
# Share.objects.raw() still rebuilt its column map and converters on every call; so the
# statements are written out once and their rows become a Share through sql.instance(),
# which keeps the converters (times, the encrypted texts) per process. Both are
# Share.objects.live() by the unique token hash, with the same condition, and read
# SHOWN: what the page shows and what "I have read this" or a reply writes. Every
# value is a parameter. Tests keep both equal to live() in every state, and their
# columns to SHOWN.
SHOWN = ("id", "snapshot_json", "message", "expires_at", "acknowledged_at", "reply", "replied_at")
# Share.objects.live() for one token hash: not revoked, not expired, its owner active.
LIVE = (
    "{Share.token_hash} = %s AND {Share.revoked_at} IS NULL AND {Share.expires_at} > %s"
    " AND {Share.user} IN (SELECT {User.id} FROM {User} WHERE {User.is_active})"
)
# A POST ("I have read this", a reply) finds the share without counting a visit.
LIVE_SHARE_SQL = "SELECT {shown} FROM {Share} WHERE {live}"
# A visit (GET, HEAD) counts itself and reads the share in the same statement: one
# round trip instead of a SELECT and then an UPDATE. The count is added in the
# database, so visits at once are all counted, and the first visit's time is kept. A
# dead or unknown link matches no row, so nothing is written. RETURNING needs
# PostgreSQL or SQLite >= 3.35.
VIEW_SHARE_SQL = (
    "UPDATE {Share} SET {Share.view_count} = {Share.view_count} + 1,"
    " {Share.last_viewed_at} = %s,"
    " {Share.first_viewed_at} = COALESCE({Share.first_viewed_at}, %s)"
    " WHERE {live} RETURNING {shown}"
)


@functools.cache
def _statement(template: str, using: str) -> str:
    """`template` with the live condition and the SHOWN columns, built once per process."""
    shown = ", ".join(sql.column(Share, name, using) for name in SHOWN)
    live = sql.statement(LIVE, using, Share, User)
    return sql.statement(template, using, Share, shown=shown, live=live)


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    # The token carries 256 random bits, so a plain (unsalted) hash cannot be
    # reversed by guessing; it only has to keep the raw token out of the database.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_share(user: User, snapshot: dict, message: str, expiry_days: int) -> tuple[Share, str]:
    """Freezes the summary and returns the share with its raw token (shown once)."""
    token = new_token()
    now = timezone.now()
    share = Share.objects.create(
        user=user,
        token_hash=hash_token(token),
        period_start=snapshot["period_start"],
        period_end=snapshot["period_end"],
        snapshot_json=json.dumps(snapshot),
        message=message,
        created_at=now,
        expires_at=now + datetime.timedelta(days=expiry_days),
    )
    return share, token


def find_live_share(token: str) -> Share | None:
    """The share behind a token, or None when it is unknown, expired, revoked or
    orphaned. Counts nothing: for the partner's answers."""
    return _live_share(token, count_view=False)


def view_live_share(token: str) -> Share | None:
    """The share behind a token with this visit counted, or None (and nothing written)
    when it is unknown, expired, revoked or orphaned."""
    return _live_share(token, count_view=True)


def _live_share(token: str, *, count_view: bool) -> Share | None:
    if not token or len(token) > 100:
        return None
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    found = [hash_token(token), now]
    with connection.cursor() as cursor:
        if count_view:
            cursor.execute(_statement(VIEW_SHARE_SQL, connection.alias), [now, now, *found])
        else:
            cursor.execute(_statement(LIVE_SHARE_SQL, connection.alias), found)
        # All rows (at most one: the hash is unique): SQLite ends an UPDATE ...
        # RETURNING only once its rows are all read.
        rows = cursor.fetchall()
    return sql.instance(Share, connection.alias, SHOWN, rows[0]) if rows else None


def acknowledge(share: Share) -> None:
    if share.acknowledged_at is None:
        share.acknowledged_at = timezone.now()
        share.save(update_fields=["acknowledged_at"])


def add_reply(share: Share, text: str) -> bool:
    """Stores the partner's one reply; a second one is refused."""
    if share.replied_at is not None:
        return False
    share.reply = text
    share.replied_at = timezone.now()
    share.acknowledged_at = share.acknowledged_at or share.replied_at
    share.save(update_fields=["reply", "replied_at", "acknowledged_at"])
    return True


def revoke(share: Share) -> None:
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at"])
