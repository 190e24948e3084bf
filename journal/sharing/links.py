"""The link to a frozen summary: its token, its life (views, reply, revoke), and guessing."""

import datetime
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
# and three conditions) the lookup cost three times what running it does, so it is
# written out once: Share.objects.live() by its unique token hash, with only what the
# page shows and what a view, "I have read this" or a reply writes. Share.objects.raw
# still converts each column through its field (times, the encrypted texts); the
# values go in as parameters. A test keeps it equal to live() in every state.
LIVE_SHARE_SQL = (
    "SELECT s.{Share.id}, s.{Share.snapshot_json}, s.{Share.message}, s.{Share.expires_at},"
    " s.{Share.view_count}, s.{Share.first_viewed_at}, s.{Share.acknowledged_at},"
    " s.{Share.reply}, s.{Share.replied_at}"
    " FROM {Share} s INNER JOIN {User} u ON u.{User.id} = s.{Share.user}"
    " WHERE s.{Share.token_hash} = %s AND s.{Share.revoked_at} IS NULL"
    " AND s.{Share.expires_at} > %s AND u.{User.is_active}"
)
RECORD_VIEW_SQL = (
    "UPDATE {Share} SET {Share.view_count} = {Share.view_count} + 1,"
    " {Share.last_viewed_at} = %s,"
    " {Share.first_viewed_at} = COALESCE({Share.first_viewed_at}, %s) WHERE {Share.id} = %s"
)


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
    """The share behind a token, or None when it is unknown, expired, revoked or orphaned."""
    if not token or len(token) > 100:
        return None
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    live = sql.statement(LIVE_SHARE_SQL, connection.alias, Share, User)
    found = Share.objects.raw(live, [hash_token(token), now])
    return next(iter(found), None)


def record_view(share: Share) -> None:
    """Counts a partner's visit: in one statement that adds in the database, so two
    visits at once are both counted (and nothing is built through the ORM per visit)."""
    now = timezone.now()
    at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(sql.statement(RECORD_VIEW_SQL, connection.alias, Share), [at, at, share.pk])
    share.view_count += 1
    share.last_viewed_at = now
    share.first_viewed_at = share.first_viewed_at or now


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
