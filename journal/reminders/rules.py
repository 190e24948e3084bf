"""When a reminder is due: plain functions over a settings row and a moment in time.

The rules: only on the chosen days (or, if asked, on a day something planned is due),
from the chosen local time until LATE_BY after it, never during quiet hours, never
after that day's check-in, never twice on one local day. Local means the person's
own time zone, read with zoneinfo, so a daylight-saving change moves nothing: a
reminder for 20:00 comes at 20:00 on the wall clock, and on a night when 01:30
happens twice it still comes once.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.db.models import Q

from ..models import CheckIn, Commitment, CommitmentStatus
from .models import ReminderSettings

# A reminder not sent within this long after its time (the worker was down, say) is
# skipped for the day rather than arriving late in the evening.
LATE_BY = datetime.timedelta(hours=2)
CHECK_IN, PLANS = "check-in", "plans"


def zone_of(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def local_time(reminders: ReminderSettings, now: datetime.datetime) -> datetime.datetime:
    return now.astimezone(zone_of(reminders.user.time_zone))


def in_quiet_hours(
    moment: datetime.time, start: datetime.time | None, end: datetime.time | None
) -> bool:
    """Quiet hours may run over midnight (22:00 to 07:00)."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def _minutes(moment: datetime.time) -> int:
    return moment.hour * 60 + moment.minute


def in_window(reminders: ReminderSettings, local: datetime.datetime) -> bool:
    """From the chosen time until LATE_BY after it, within the same local day."""
    start = _minutes(reminders.at)
    late = int(LATE_BY.total_seconds() // 60)
    return start <= _minutes(local.time()) < start + late


def could_be_due(reminders: ReminderSettings, now: datetime.datetime) -> bool:
    """Every rule that needs no query: switched on, not paused, the right time of day,
    not in quiet hours, not already sent today, and a day that may need one."""
    if reminders.stopped or not reminders.has_channel:
        return False
    if reminders.paused_until is not None and now < reminders.paused_until:
        return False
    local = local_time(reminders, now)
    if reminders.last_sent_on == local.date() or not in_window(reminders, local):
        return False
    if in_quiet_hours(local.time(), reminders.quiet_from, reminders.quiet_until):
        return False
    return local.weekday() in reminders.days or reminders.commitments_due


def reminder_kind(
    reminders: ReminderSettings,
    now: datetime.datetime,
    *,
    checked_in_today: bool,
    plans_due_today: bool,
) -> str | None:
    """Which reminder is due now (CHECK_IN or PLANS), or None."""
    if checked_in_today or not could_be_due(reminders, now):
        return None
    if local_time(reminders, now).weekday() in reminders.days:
        return CHECK_IN
    if reminders.commitments_due and plans_due_today:
        return PLANS
    return None


@dataclass(frozen=True)
class Due:
    user_id: int
    day: datetime.date
    kind: str


def due_reminders(now: datetime.datetime) -> list[Due]:
    """Everyone whose reminder is due at `now`. Three queries, whatever the number of
    people: the settings that could be due, their check-ins today, their plans due."""
    candidates = [
        reminders
        for reminders in ReminderSettings.objects.filter(stopped=False)
        .filter(Q(by_email=True) | Q(by_push=True))
        .filter(Q(paused_until__isnull=True) | Q(paused_until__lte=now))
        .select_related("user")
        if could_be_due(reminders, now)
    ]
    if not candidates:
        return []
    days = {r.user_id: local_time(r, now).date() for r in candidates}
    today = Q()
    for user_id, day in days.items():
        today |= Q(user_id=user_id, date=day)
    checked_in = set(CheckIn.objects.filter(today).values_list("user_id", flat=True))
    plans = Q()
    for user_id, day in days.items():
        plans |= Q(user_id=user_id, due_date=day)
    with_plans = set(
        Commitment.objects.filter(plans, status=CommitmentStatus.OPEN).values_list(
            "user_id", flat=True
        )
    )
    due = []
    for reminders in candidates:
        kind = reminder_kind(
            reminders,
            now,
            checked_in_today=reminders.user_id in checked_in,
            plans_due_today=reminders.user_id in with_plans,
        )
        if kind is not None:
            due.append(Due(reminders.user_id, days[reminders.user_id], kind))
    return due


def claim(due: Due) -> bool:
    """Marks the day as sent; False if it already was (by this or another scheduler)."""
    updated = (
        ReminderSettings.objects.filter(user_id=due.user_id)
        .exclude(last_sent_on=due.day)
        .update(last_sent_on=due.day)
    )
    return updated == 1
