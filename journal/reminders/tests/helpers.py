import datetime

from journal.reminders.models import ReminderSettings
from trustrepair.models import User

UTC = datetime.UTC


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A moment in UTC: the frozen clock the rules are given."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=UTC)


def reminders_for(
    user: User,
    *,
    days: list[int] | None = None,
    time: datetime.time = datetime.time(20, 0),
    **fields: object,
) -> ReminderSettings:
    fields.setdefault("by_email", True)
    return ReminderSettings.objects.create(
        user=user, days=list(range(7)) if days is None else days, at=time, **fields
    )
