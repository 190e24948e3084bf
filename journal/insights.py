"""Numbers about one person's journal, each computed by one query in the database.

The query count is fixed whatever the journal's size: every function below runs
a single aggregate (or a bounded select) and only shapes its result in Python.
"""

import datetime
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import NotSupportedError, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Func, IntegerField
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from guides.models import Stage, Strategy
from trustrepair import sql
from trustrepair.models import User

from .models import RESOLVED, CheckIn, Commitment, CommitmentStatus, local_now

WINDOWS = (7, 30, 90)
# Read by every sort of the strategies; a dict, not an enum lookup each time.
STRATEGY_LABELS: dict[str, str] = {str(value): str(label) for value, label in Strategy.choices}
TREND_WEEKS = 13
# Below this many commitments kept or missed, pages show counts, not a percentage:
# "50%" after two promises says more than it knows.
RATE_MIN = 5


# The figures are aggregates over plain columns (no text), asked for on every journal
# page, so they are precompiled SQL: Django took about 0.8 ms to build each of these
# queries and the database 0.1 ms to answer the small ones. Names come from the models,
# quoted for the database; every value is a parameter.
FIGURES_SQL = {
    "consistency": "SELECT {Commitment.status},"
    " COUNT(*) FILTER (WHERE {Commitment.resolved_at} > %s),"
    " COUNT(*) FILTER (WHERE {Commitment.resolved_at} > %s),"
    " COUNT(*) FILTER (WHERE {Commitment.resolved_at} > %s)"
    " FROM {Commitment} WHERE {Commitment.user} = %s AND {Commitment.status} IN (%s, %s, %s)"
    " AND {Commitment.resolved_at} > %s AND {Commitment.resolved_at} <= %s"
    " GROUP BY {Commitment.status}",
    "strategies": "SELECT {Commitment.strategy}, {Commitment.status}, COUNT(*) FROM {Commitment}"
    " WHERE {Commitment.user} = %s AND {Commitment.status} IN (%s, %s, %s)"
    " GROUP BY {Commitment.strategy}, {Commitment.status}",
    "stages": "SELECT s.{Stage.title}, s.{Stage.position}, COUNT(*), AVG(c.{CheckIn.trust}),"
    " AVG(c.{CheckIn.communication}), AVG(c.{CheckIn.connection}) FROM {CheckIn} c"
    " LEFT OUTER JOIN {Stage} s ON s.{Stage.id} = c.{CheckIn.stage}"
    " WHERE c.{CheckIn.user} = %s"
    " GROUP BY s.{Stage.title}, s.{Stage.position} ORDER BY s.{Stage.position} NULLS LAST",
    "streak": "SELECT DISTINCT {week} FROM {CheckIn}"
    " WHERE {CheckIn.user} = %s AND {CheckIn.date} <= %s",
    "weeks": "SELECT {week}, COUNT(*), AVG({CheckIn.trust}), AVG({CheckIn.communication}),"
    " AVG({CheckIn.connection}) FROM {CheckIn}"
    " WHERE {CheckIn.user} = %s AND {CheckIn.date} >= %s AND {CheckIn.date} <= %s GROUP BY 1",
}
# week_number() of a date, in each database's own date arithmetic: julianday('0001-01-01')
# is 1721425.5; PostgreSQL subtracts dates natively. Days since 0001-01-01 are never
# negative, so integer division is floor division on both.
WEEK_OF_DATE = {
    "sqlite": "(CAST(julianday({date}) - 1721425.5 AS INTEGER) / 7)",
    "postgresql": "(({date} - DATE '0001-01-01') / 7)",
}


@functools.cache
def _sql(name: str, using: str) -> str:
    vendor = connections[using].vendor
    if vendor not in WEEK_OF_DATE:
        raise NotSupportedError("The journal's figures are written for SQLite and PostgreSQL.")
    week = WEEK_OF_DATE[vendor].format(date=sql.column(CheckIn, "date", using))
    return sql.statement(FIGURES_SQL[name], using, Commitment, CheckIn, Stage, week=week)


def _fetch(name: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(_sql(name, connection.alias), params)
        return cursor.fetchall()


def _at(moment: datetime.datetime) -> Any:
    """A time as the database compares it (SQLite keeps text in UTC)."""
    return connection.ops.adapt_datetimefield_value(moment)


def _on(day: datetime.date) -> Any:
    return connection.ops.adapt_datefield_value(day)


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
    """Commitments resolved in the last N days, for each window (at most three), in one query."""
    now = now or timezone.now()
    if not 1 <= len(windows) <= len(WINDOWS):
        raise ValueError(f"one to {len(WINDOWS)} windows, not {len(windows)}")
    # Always three thresholds: the SQL stays one constant string; spare ones repeat the last.
    thresholds = [*windows, *[windows[-1]] * (len(WINDOWS) - len(windows))]
    rows = _fetch(
        "consistency",
        [
            *(_at(now - datetime.timedelta(days=days)) for days in thresholds),
            user.pk,
            *RESOLVED,
            _at(now - datetime.timedelta(days=max(windows))),
            _at(now),
        ],
    )
    by_status = {status: counts for status, *counts in rows}
    return consistency_of(
        windows,
        lambda status, days: by_status[status][windows.index(days)] if status in by_status else 0,
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
        template = WEEK_OF_DATE["sqlite"].format(date="%(expressions)s")
        return Func.as_sql(self, compiler, connection, template=template, **extra_context)

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, tuple[Any, ...]]:
        template = WEEK_OF_DATE["postgresql"].format(date="%(expressions)s")
        return Func.as_sql(self, compiler, connection, template=template, **extra_context)


def weekly_streak(user: User, today: datetime.date | None = None) -> int:
    """Consecutive weeks (Monday to Sunday) with a check-in, ending this week or last.

    This week still counts as "in progress": a streak that ended last week is
    not broken until this week is over.
    """
    today = today or local_now().date()
    # The database returns each week once (two years of daily check-ins are about
    # a hundred rows, not 730 dates to convert and map in Python).
    weeks = {week for (week,) in _fetch("streak", [user.pk, _on(today)])}
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
    rows = _fetch("weeks", [user.pk, _on(first), _on(today)])
    by_number = {
        week: {"count": n, "trust": trust, "communication": talk, "connection": close}
        for week, n, trust, talk, close in rows
    }
    return ratings_of(by_number, first, weeks)


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


@dataclass
class StageRatings:
    title: str
    count: int
    trust: float
    communication: float
    connection: float


def ratings_by_stage(user: User) -> list[StageRatings]:
    return [
        StageRatings(
            title=title or "No lesson chosen",
            count=n,
            trust=float(trust),
            communication=float(talk),
            connection=float(close),
        )
        for title, _position, n, trust, talk, close in _fetch("stages", [user.pk])
    ]


@dataclass
class StrategyRecord:
    strategy: str
    kept: int
    missed: int
    renegotiated: int

    @property
    def label(self) -> str:
        return STRATEGY_LABELS.get(self.strategy, "Other")

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
    # One plain count per (strategy, status) pair: at most a few dozen rows.
    rows = _fetch("strategies", [user.pk, *RESOLVED])
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
