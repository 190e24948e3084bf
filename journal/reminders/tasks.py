"""Background work on Django's Tasks framework (django-tasks-db: no broker).

`schedule_reminders` (a management command the scheduler runs every few minutes)
finds who is due, claims their day, and enqueues one `send_reminder` each; a
`db_worker` process runs them. The task's arguments and result hold ids, a date and
counts: never anything a person wrote.
"""

import datetime

from django.tasks import task
from django.utils import timezone

from ..models import CheckIn
from .delivery import deliver
from .models import ReminderSettings
from .rules import claim, due_reminders


@task()
def send_reminder(user_id: int, day: str, kind: str) -> dict[str, int]:
    reminders = ReminderSettings.objects.select_related("user").filter(user_id=user_id).first()
    now = timezone.now()
    if reminders is None or reminders.stopped or not reminders.has_channel:
        return {}
    if reminders.paused_until is not None and now < reminders.paused_until:
        return {}
    # Checked in (or stopped) between scheduling and now: nothing to remind of.
    if CheckIn.objects.filter(user_id=user_id, date=datetime.date.fromisoformat(day)).exists():
        return {}
    return deliver(reminders, kind).as_dict()


def schedule(now: datetime.datetime | None = None) -> int:
    """Enqueues every reminder due at `now`; returns how many."""
    enqueued = 0
    for due in due_reminders(now or timezone.now()):
        if claim(due):
            send_reminder.enqueue(due.user_id, due.day.isoformat(), due.kind)
            enqueued += 1
    return enqueued
