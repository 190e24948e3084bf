"""A check-in summary for a partner, computed once and frozen.

The owner picks a period and what to include; later journal edits never change
what the partner sees. Private notes are never read here at all.
"""

import datetime

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from journal.models import CheckIn, Commitment, CommitmentStatus
from trustrepair.models import User


def _day_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, ...]:
    tz = timezone.get_current_timezone()
    begin = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    finish = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    return begin, finish


def checkins_in_period(user: User, start: datetime.date, end: datetime.date) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(user=user, date__range=(start, end)).order_by("date")


def build_snapshot(
    user: User,
    start: datetime.date,
    end: datetime.date,
    *,
    include_ratings: bool,
    include_consistency: bool,
    reflection_checkin_ids: list[int],
) -> dict:
    """The partner's view, computed now. Never touches a private note."""
    checkins = list(
        checkins_in_period(user, start, end).only(
            "id", "date", "trust", "communication", "connection"
        )
    )
    snapshot: dict = {
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "checkin_count": len(checkins),
        "ratings": None,
        "consistency": None,
        "reflections": [],
    }
    if include_ratings and checkins:
        averages = checkins_in_period(user, start, end).aggregate(
            trust=Avg("trust"), communication=Avg("communication"), connection=Avg("connection")
        )
        snapshot["ratings"] = {
            "points": [
                {
                    "date": c.date.isoformat(),
                    "trust": c.trust,
                    "communication": c.communication,
                    "connection": c.connection,
                }
                for c in checkins
            ],
            "averages": {k: round(v, 1) for k, v in averages.items() if v is not None},
        }
    if include_consistency:
        begin, finish = _day_bounds(start, end)
        resolved = Commitment.objects.filter(
            user=user, resolved_at__gte=begin, resolved_at__lt=finish
        )
        counts = resolved.aggregate(
            kept=Count("id", filter=Q(status=CommitmentStatus.KEPT)),
            missed=Count("id", filter=Q(status=CommitmentStatus.MISSED)),
            renegotiated=Count("id", filter=Q(status=CommitmentStatus.RENEGOTIATED)),
        )
        decided = counts["kept"] + counts["missed"]
        kept_texts = [
            c.text
            for c in resolved.filter(status=CommitmentStatus.KEPT)
            .only("text", "resolved_at")
            .order_by("resolved_at")[:50]
        ]
        snapshot["consistency"] = {
            **counts,
            "rate": round(100 * counts["kept"] / decided) if decided else None,
            "kept_commitments": kept_texts,
        }
    wanted = set(reflection_checkin_ids)
    if wanted:
        chosen = checkins_in_period(user, start, end).filter(id__in=wanted)
        for checkin in chosen.only("id", "date", "working", "needs_work", "appreciation"):
            snapshot["reflections"].append(
                {
                    "date": checkin.date.isoformat(),
                    "working": checkin.working,
                    "needs_work": checkin.needs_work,
                    "appreciation": checkin.appreciation,
                }
            )
    return snapshot
