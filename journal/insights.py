"""Numbers about one person's journal, each computed by one query in the database.

The query count is fixed whatever the journal's size: every function below runs
a single aggregate (or a bounded select) and only shapes its result in Python.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from guides.models import Strategy
from trustrepair.models import User

from .models import RESOLVED, CheckIn, Commitment, CommitmentStatus, local_now

WINDOWS = (7, 30, 90)
TREND_WEEKS = 13


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass(frozen=True)
class Consistency:
    """Kept against missed; renegotiated commitments are counted apart, not as misses."""

    days: int
    kept: int
    missed: int
    renegotiated: int

    @property
    def rate(self) -> int | None:
        return percent(self.kept, self.kept + self.missed)

    @property
    def resolved(self) -> int:
        return self.kept + self.missed + self.renegotiated


def consistency(
    user: User, windows: tuple[int, ...] = WINDOWS, now: datetime.datetime | None = None
) -> dict[int, Consistency]:
    """Commitments resolved in the last N days, for each window, in one query."""
    now = now or timezone.now()
    counts = {}
    for days in windows:
        recent = Q(resolved_at__gt=now - datetime.timedelta(days=days))
        for status in RESOLVED:
            counts[f"{status}_{days}"] = Count("pk", filter=recent & Q(status=status))
    row = Commitment.objects.filter(
        user=user,
        status__in=RESOLVED,
        resolved_at__gt=now - datetime.timedelta(days=max(windows)),
        resolved_at__lte=now,
    ).aggregate(**counts)
    return {
        days: Consistency(
            days=days,
            kept=row[f"kept_{days}"],
            missed=row[f"missed_{days}"],
            renegotiated=row[f"renegotiated_{days}"],
        )
        for days in windows
    }


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def weekly_streak(user: User, today: datetime.date | None = None) -> int:
    """Consecutive weeks (Monday to Sunday) with a check-in, ending this week or last.

    This week still counts as "in progress": a streak that ended last week is
    not broken until this week is over.
    """
    today = today or local_now().date()
    # The weeks are worked out here rather than with TruncWeek: on SQLite that runs a
    # Python function per row inside the query, which cost more than the whole page.
    weeks = {
        week_start(day)
        for day in CheckIn.objects.filter(user=user, date__lte=today)
        .values_list("date", flat=True)
        .distinct()
        .order_by()
    }
    week = week_start(today)
    if week not in weeks:
        week -= datetime.timedelta(weeks=1)
    streak = 0
    while week in weeks:
        streak += 1
        week -= datetime.timedelta(weeks=1)
    return streak


@dataclass
class WeekRatings:
    week: datetime.date
    count: int = 0
    trust: float | None = None
    communication: float | None = None
    connection: float | None = None


def weekly_ratings(
    user: User, weeks: int = TREND_WEEKS, today: datetime.date | None = None
) -> list[WeekRatings]:
    """Average ratings per week for the last `weeks` weeks, empty weeks included."""
    today = today or local_now().date()
    first = week_start(today) - datetime.timedelta(weeks=weeks - 1)
    rows = (
        CheckIn.objects.filter(user=user, date__gte=first, date__lte=today)
        .annotate(week=TruncWeek("date"))
        .values("week")
        .annotate(
            count=Count("pk"),
            trust=Avg("trust"),
            communication=Avg("communication"),
            connection=Avg("connection"),
        )
        .order_by("week")
    )
    by_week = {as_date(row["week"]): row for row in rows}
    result = []
    for n in range(weeks):
        week = first + datetime.timedelta(weeks=n)
        row = by_week.get(week)
        if row is None:
            result.append(WeekRatings(week=week))
        else:
            result.append(
                WeekRatings(
                    week=week,
                    count=row["count"],
                    trust=float(row["trust"]),
                    communication=float(row["communication"]),
                    connection=float(row["connection"]),
                )
            )
    return result


@dataclass
class StageRatings:
    title: str
    count: int
    trust: float
    communication: float
    connection: float


def ratings_by_stage(user: User) -> list[StageRatings]:
    rows = (
        CheckIn.objects.filter(user=user)
        .values("stage__title", "stage__position")
        .annotate(
            count=Count("pk"),
            trust=Avg("trust"),
            communication=Avg("communication"),
            connection=Avg("connection"),
        )
        .order_by(F("stage__position").asc(nulls_last=True))
    )
    return [
        StageRatings(
            title=row["stage__title"] or "No lesson chosen",
            count=row["count"],
            trust=float(row["trust"]),
            communication=float(row["communication"]),
            connection=float(row["connection"]),
        )
        for row in rows
    ]


@dataclass
class StrategyRecord:
    strategy: str
    kept: int
    missed: int
    renegotiated: int

    @property
    def label(self) -> str:
        return Strategy(self.strategy).label if self.strategy in Strategy.values else "Other"

    @property
    def rate(self) -> int | None:
        return percent(self.kept, self.kept + self.missed)


@dataclass
class StrategySummary:
    records: list[StrategyRecord] = field(default_factory=list)
    most: StrategyRecord | None = None
    least: StrategyRecord | None = None


def strategies(user: User) -> StrategySummary:
    """Which strategies are kept most and least, all time (one query)."""
    rows = (
        Commitment.objects.filter(user=user, status__in=RESOLVED)
        .values("strategy")
        .annotate(
            kept=Count("pk", filter=Q(status=CommitmentStatus.KEPT)),
            missed=Count("pk", filter=Q(status=CommitmentStatus.MISSED)),
            renegotiated=Count("pk", filter=Q(status=CommitmentStatus.RENEGOTIATED)),
        )
        .order_by("strategy")
    )
    records = [StrategyRecord(**row) for row in rows]
    rated = [r for r in records if r.rate is not None]
    # Best rate first; among equals, the one with more kept promises behind it.
    rated.sort(key=lambda r: (-(r.rate or 0), -r.kept, r.label))
    unrated = sorted((r for r in records if r.rate is None), key=lambda r: r.label)
    summary = StrategySummary(records=rated + unrated)
    if len(rated) >= 2:
        summary.most = rated[0]
        summary.least = min(rated, key=lambda r: (r.rate or 0, -r.missed, r.label))
    return summary
