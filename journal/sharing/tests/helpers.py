"""Small builders for sharing tests."""

import datetime

from django.utils import timezone

from journal.models import CheckIn, Commitment, CommitmentStatus
from journal.sharing import links, summary
from journal.sharing.models import Share

PRIVATE = "PRIVATE-MARKER-7f3a"


def checkin(user, days_ago: int = 0, **fields) -> CheckIn:
    values = {
        "trust": 6,
        "communication": 3,
        "connection": 4,
        "working": "Evening walks together",
        "needs_work": "Replying to messages sooner",
        "appreciation": "The tea in the morning",
        "private_note": f"{PRIVATE} note",
        **fields,
    }
    return CheckIn.objects.create(
        user=user, date=timezone.localdate() - datetime.timedelta(days=days_ago), **values
    )


def commitment(user, status=CommitmentStatus.KEPT, text="Call at lunch", **fields) -> Commitment:
    return Commitment.objects.create(
        user=user,
        text=text,
        strategy="reliability",
        status=status,
        resolved_at=timezone.now() if status != CommitmentStatus.OPEN else None,
        note=f"{PRIVATE} commitment note",
        renegotiation_reason=f"{PRIVATE} reason" if status == "renegotiated" else "",
        **fields,
    )


def share_for(user, **snapshot_options) -> tuple[Share, str]:
    today = timezone.localdate()
    options = {
        "include_ratings": True,
        "include_consistency": True,
        "reflection_checkin_ids": [c.pk for c in CheckIn.objects.filter(user=user)],
        **snapshot_options,
    }
    snapshot = summary.build_snapshot(user, today - datetime.timedelta(days=13), today, **options)
    return links.create_share(user, snapshot, "Thank you for reading", 7)


def create_form(**overrides) -> dict:
    return {
        "period": "2w",
        "include_ratings": "on",
        "include_consistency": "on",
        "message": "Here is how my fortnight went",
        "expiry_days": "7",
        "action": "create",
        **overrides,
    }
