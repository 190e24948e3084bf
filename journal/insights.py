"""Numbers about one person's journal, each computed by one query in the database.

The query count is fixed whatever the journal's size: every function below runs
a single aggregate (or a bounded select) and only shapes its result in Python.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import NotSupportedError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Avg, Count, F, Func, IntegerField, Q
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from guides.models import Strategy
from trustrepair.models import User

from .models import RESOLVED, CheckIn, Commitment, CommitmentStatus, local_now

WINDOWS = (7, 30, 90)
TREND_WEEKS = 13
# Below this many commitments kept or missed, pages show counts, not a percentage:
# "50%" after two promises says more than it knows.
RATE_MIN = 5


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def shown_percent(part: int, whole: int) -> int | None:
    return percent(part, whole) if whole >= RATE_MIN else None


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
    def shown_rate(self) -> int | None:
        """The rate once there is enough behind it (RATE_MIN), else None: show the counts."""
        return shown_percent(self.kept, self.kept + self.missed)

    @property
    def resolved(self) -> int:
        return self.kept + self.missed + self.renegotiated


def consistency(
    user: User, windows: tuple[int, ...] = WINDOWS, now: datetime.datetime | None = None
) -> dict[int, Consistency]:
    """Commitments resolved in the last N days, for each window, in one query."""
    now = now or timezone.now()
    longest = max(windows)
    # Grouped by status, so each shorter window needs one filtered count rather than
    # one per status: compiling the filters was most of this query's cost.
    counts = {
        f"n_{days}": Count("pk", filter=Q(resolved_at__gt=now - datetime.timedelta(days=days)))
        for days in windows
        if days != longest
    }
    counts[f"n_{longest}"] = Count("pk")
    rows = (
        Commitment.objects.filter(
            user=user,
            status__in=RESOLVED,
            resolved_at__gt=now - datetime.timedelta(days=longest),
            resolved_at__lte=now,
        )
        .values("status")
        .annotate(**counts)
        .order_by()
    )
    by_status: dict[str, Any] = {row["status"]: row for row in rows}
    return consistency_of(
        windows, lambda status, days: by_status[status][f"n_{days}"] if status in by_status else 0
    )


def consistency_of(
    windows: tuple[int, ...], count: Callable[[str, int], int]
) -> dict[int, Consistency]:
    """Each window's Consistency, from the number resolved with a status in so many days."""
    return {
        days: Consistency(
            days=days,
            kept=count(CommitmentStatus.KEPT, days),
            missed=count(CommitmentStatus.MISSED, days),
            renegotiated=count(CommitmentStatus.RENEGOTIATED, days),
        )
        for days in windows
    }


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def week_number(day: datetime.date) -> int:
    """Weeks since Monday 1 January of year 1 (day 1 of the proleptic calendar)."""
    return (day.toordinal() - 1) // 7


def week_of_number(number: int) -> datetime.date:
    """The Monday that starts week `number` (the inverse of week_number)."""
    return datetime.date.fromordinal(number * 7 + 1)


class WeekNumber(Func):
    """week_number() in SQL, with each database's own date arithmetic.

    Django's TruncWeek and date subtraction run a Python function per row on SQLite,
    which costs more than the rest of the query; julianday() and PostgreSQL's
    date - date are native. Days since 0001-01-01 are never negative, so integer
    division is floor division on both.
    """

    output_field = IntegerField()
    arity = 1

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[Any, ...]]:
        raise NotSupportedError("WeekNumber is written for SQLite and PostgreSQL only.")

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, tuple[Any, ...]]:
        # julianday('0001-01-01') is 1721425.5; a bare date is read as its midnight.
        template = "(CAST(julianday(%(expressions)s) - 1721425.5 AS INTEGER) / 7)"
        return Func.as_sql(self, compiler, connection, template=template, **extra_context)

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, tuple[Any, ...]]:
        template = "((%(expressions)s - DATE '0001-01-01') / 7)"
        return Func.as_sql(self, compiler, connection, template=template, **extra_context)


def weekly_streak(user: User, today: datetime.date | None = None) -> int:
    """Consecutive weeks (Monday to Sunday) with a check-in, ending this week or last.

    This week still counts as "in progress": a streak that ended last week is
    not broken until this week is over.
    """
    today = today or local_now().date()
    # The database returns each week once (two years of daily check-ins are about
    # a hundred rows, not 730 dates to convert and map in Python).
    weeks = set(
        CheckIn.objects.filter(user=user, date__lte=today)
        .annotate(week=WeekNumber("date"))
        .values_list("week", flat=True)
        .distinct()
        .order_by()
    )
    return streak_of(weeks, today)


def streak_of(weeks: set[int], today: datetime.date) -> int:
    """The run of consecutive week numbers ending this week or last."""
    week = week_number(today)
    if week not in weeks:
        week -= 1
    streak = 0
    while week in weeks:
        streak += 1
        week -= 1
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
        .annotate(week=WeekNumber("date"))
        .values("week")
        .annotate(
            count=Count("pk"),
            trust=Avg("trust"),
            communication=Avg("communication"),
            connection=Avg("connection"),
        )
        .order_by()
    )
    return ratings_of({row["week"]: row for row in rows}, first, weeks)


def ratings_of(by_number: dict[int, Any], first: datetime.date, weeks: int) -> list[WeekRatings]:
    """One WeekRatings per week from `first` on, from rows of averages keyed by week number."""
    result = []
    for n in range(weeks):
        week = first + datetime.timedelta(weeks=n)
        row = by_number.get(week_number(week))
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


def weeks_and_streak(
    user: User, weeks: int = TREND_WEEKS, today: datetime.date | None = None
) -> tuple[list[WeekRatings], int]:
    """weekly_ratings() and weekly_streak() from one query: every week's averages.

    Two years of daily check-ins are about a hundred weekly rows; one query fewer
    costs less than fetching them.
    """
    today = today or local_now().date()
    first = week_start(today) - datetime.timedelta(weeks=weeks - 1)
    rows = (
        CheckIn.objects.filter(user=user, date__lte=today)
        .annotate(week=WeekNumber("date"))
        .values("week")
        .annotate(
            count=Count("pk"),
            trust=Avg("trust"),
            communication=Avg("communication"),
            connection=Avg("connection"),
        )
        .order_by()
    )
    by_number = {row["week"]: row for row in rows}
    return ratings_of(by_number, first, weeks), streak_of(set(by_number), today)


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

    @property
    def shown_rate(self) -> int | None:
        return shown_percent(self.kept, self.kept + self.missed)


@dataclass
class StrategySummary:
    records: list[StrategyRecord] = field(default_factory=list)
    most: StrategyRecord | None = None
    least: StrategyRecord | None = None


def strategies(user: User) -> StrategySummary:
    """Which strategies are kept most and least, all time (one query)."""
    # One plain count per (strategy, status) pair: cheaper to build than three
    # filtered counts per strategy, and at most a few dozen rows.
    rows = (
        Commitment.objects.filter(user=user, status__in=RESOLVED)
        .values_list("strategy", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return summary_of(rows)


def summary_of(rows: Iterable[tuple[str, str, int]]) -> StrategySummary:
    """The StrategySummary of (strategy, status, how many) counts."""
    by_strategy: dict[str, StrategyRecord] = {}
    for strategy, status, n in sorted(rows):
        record = by_strategy.setdefault(strategy, StrategyRecord(strategy, 0, 0, 0))
        # Each resolved status (kept, missed, renegotiated) names a field of the record.
        setattr(record, status, n)
    records = list(by_strategy.values())
    # Those with enough behind a percentage first, best rate first (among equals, more
    # kept promises first); then the others by how many were kept.
    enough = [r for r in records if r.shown_rate is not None]
    enough.sort(key=lambda r: (-(r.rate or 0), -r.kept, r.label))
    others = sorted((r for r in records if r.shown_rate is None), key=lambda r: (-r.kept, r.label))
    summary = StrategySummary(records=enough + others)
    # "Kept most" and "kept least" are percentages: only among strategies with enough.
    if len(enough) >= 2:
        summary.most = enough[0]
        summary.least = min(enough, key=lambda r: (r.rate or 0, -r.missed, r.label))
    return summary


def consistency_and_strategies(
    user: User, windows: tuple[int, ...] = WINDOWS, now: datetime.datetime | None = None
) -> tuple[dict[int, Consistency], StrategySummary]:
    """consistency() and strategies() from one query: counts per strategy and status,
    all time and in each window."""
    now = now or timezone.now()
    in_window = {
        f"n_{days}": Count(
            "pk",
            filter=Q(resolved_at__gt=now - datetime.timedelta(days=days), resolved_at__lte=now),
        )
        for days in windows
    }
    rows: list[Any] = list(
        Commitment.objects.filter(user=user, status__in=RESOLVED)
        .values("strategy", "status")
        .annotate(n=Count("pk"), **in_window)
        .order_by()
    )

    def count(status: str, days: int) -> int:
        return sum(row[f"n_{days}"] for row in rows if row["status"] == status)

    summary = summary_of((row["strategy"], row["status"], row["n"]) for row in rows)
    return consistency_of(windows, count), summary
