"""When reminders are due, on a frozen clock: the moment is always passed in."""

import datetime

import pytest
from django_tasks_db.models import DBTaskResult

from journal.reminders import rules, tasks
from journal.reminders.models import ReminderSettings
from journal.reminders.tests.helpers import at, reminders_for
from tests.helpers import make_user
from tests.journal.helpers import make_checkin, make_commitment

pytestmark = pytest.mark.django_db

TUESDAY = 1


def due_users(now: datetime.datetime) -> list[tuple[str, datetime.date, str]]:
    found = rules.due_reminders(now)
    names = dict(ReminderSettings.objects.values_list("user_id", "user__username"))
    return [(names[due.user_id], due.day, due.kind) for due in found]


def enqueued() -> int:
    return DBTaskResult.objects.filter(task_path__endswith="send_reminder").count()


def test_due_at_the_chosen_local_time_in_summer_and_in_winter():
    london = make_user("london", time_zone="Europe/London")
    reminders_for(london, days=[TUESDAY], time=datetime.time(20, 0))

    # 2 June 2026 is a Tuesday in British Summer Time (UTC+1).
    assert due_users(at(2026, 6, 2, 18, 55)) == []
    assert due_users(at(2026, 6, 2, 19, 0)) == [
        ("london", datetime.date(2026, 6, 2), rules.CHECK_IN)
    ]
    # 6 January 2026 is a Tuesday in winter (UTC+0).
    assert due_users(at(2026, 1, 6, 19, 0)) == []
    assert due_users(at(2026, 1, 6, 20, 0)) == [
        ("london", datetime.date(2026, 1, 6), rules.CHECK_IN)
    ]
    # Not on other days, and not hours late.
    assert due_users(at(2026, 6, 3, 19, 0)) == []
    assert due_users(at(2026, 6, 2, 21, 0)) == []


def test_each_person_is_reminded_on_their_own_clock():
    tokyo = make_user("tokyo", time_zone="Asia/Tokyo")
    reminders_for(tokyo, days=[TUESDAY], time=datetime.time(8, 0))
    new_york = make_user("new-york", time_zone="America/New_York")
    reminders_for(new_york, days=[TUESDAY], time=datetime.time(8, 0))

    # Tuesday 08:00 in Tokyo is Monday 23:00 in UTC.
    assert due_users(at(2026, 6, 1, 23, 0)) == [
        ("tokyo", datetime.date(2026, 6, 2), rules.CHECK_IN)
    ]
    # Tuesday 08:00 in New York (EDT, UTC-4) is 12:00 UTC.
    assert due_users(at(2026, 6, 2, 12, 0)) == [
        ("new-york", datetime.date(2026, 6, 2), rules.CHECK_IN)
    ]


def test_a_time_skipped_by_the_spring_change_still_comes_once():
    # 29 March 2026: British clocks jump from 01:00 to 02:00, so 01:30 never happens.
    london = make_user("london", time_zone="Europe/London")
    reminders_for(london, time=datetime.time(1, 30))

    assert tasks.schedule(at(2026, 3, 29, 0, 55)) == 0  # 00:55 GMT
    assert tasks.schedule(at(2026, 3, 29, 1, 0)) == 1  # 02:00 BST
    assert tasks.schedule(at(2026, 3, 29, 1, 5)) == 0
    assert enqueued() == 1


def test_a_time_that_happens_twice_in_the_autumn_comes_once():
    # 25 October 2026: British clocks go back from 02:00 to 01:00, so 01:30 happens twice.
    london = make_user("london", time_zone="Europe/London")
    reminders_for(london, time=datetime.time(1, 30))

    assert tasks.schedule(at(2026, 10, 25, 0, 30)) == 1  # 01:30 BST
    assert tasks.schedule(at(2026, 10, 25, 1, 30)) == 0  # 01:30 GMT, an hour later
    assert enqueued() == 1
    assert ReminderSettings.objects.get().last_sent_on == datetime.date(2026, 10, 25)


def test_never_twice_in_one_day_however_often_the_scheduler_runs():
    reminders_for(make_user("robin"), time=datetime.time(9, 0))
    runs = [tasks.schedule(at(2026, 6, 2, 9, minute)) for minute in range(0, 60, 5)]
    assert runs == [1] + [0] * 11
    # The next day it comes again.
    assert tasks.schedule(at(2026, 6, 3, 9, 0)) == 1
    assert enqueued() == 2


def test_none_after_that_days_check_in():
    robin = make_user("robin", time_zone="Europe/Paris")
    reminders_for(robin, time=datetime.time(20, 0))
    make_checkin(robin, date=datetime.date(2026, 6, 2))

    assert due_users(at(2026, 6, 2, 18, 0)) == []  # 20:00 in Paris
    # Yesterday's check-in is no reason to skip today.
    assert [name for name, *_ in due_users(at(2026, 6, 3, 18, 0))] == ["robin"]


def test_the_check_in_counts_by_the_persons_own_date():
    # 23:30 on Monday in UTC is already Tuesday in Tokyo: Tuesday's check-in counts.
    tokyo = make_user("tokyo", time_zone="Asia/Tokyo")
    reminders_for(tokyo, time=datetime.time(8, 0))
    make_checkin(tokyo, date=datetime.date(2026, 6, 1))
    assert [day for _, day, _ in due_users(at(2026, 6, 1, 23, 30))] == [datetime.date(2026, 6, 2)]
    make_checkin(tokyo, date=datetime.date(2026, 6, 2))
    assert due_users(at(2026, 6, 1, 23, 30)) == []


def test_none_in_quiet_hours_even_when_they_run_over_midnight():
    robin = make_user("robin")
    reminders_for(
        robin,
        time=datetime.time(21, 0),
        quiet_from=datetime.time(21, 30),
        quiet_until=datetime.time(7, 0),
    )
    assert [name for name, *_ in due_users(at(2026, 6, 2, 21, 10))] == ["robin"]
    assert due_users(at(2026, 6, 2, 21, 45)) == []
    assert rules.in_quiet_hours(datetime.time(23, 59), datetime.time(22), datetime.time(7))
    assert rules.in_quiet_hours(datetime.time(6, 59), datetime.time(22), datetime.time(7))
    assert not rules.in_quiet_hours(datetime.time(7, 0), datetime.time(22), datetime.time(7))
    assert rules.in_quiet_hours(datetime.time(13, 0), datetime.time(12), datetime.time(14))


def test_stopped_paused_or_without_a_channel_means_none():
    now = at(2026, 6, 2, 20, 0)
    reminders_for(make_user("stopped"), stopped=True)
    reminders_for(make_user("paused"), paused_until=now + datetime.timedelta(days=1))
    reminders_for(make_user("no-channel"), by_email=False, by_push=False)
    reminders_for(make_user("pause-over"), paused_until=now - datetime.timedelta(minutes=1))
    assert [name for name, *_ in due_users(now)] == ["pause-over"]


def test_a_day_with_something_planned_is_a_reminder_day_if_asked_for():
    planner = make_user("planner")
    reminders_for(planner, days=[], commitments_due=True)
    make_commitment(planner, due_date=datetime.date(2026, 6, 2))
    other = make_user("other")
    reminders_for(other, days=[])
    make_commitment(other, due_date=datetime.date(2026, 6, 2))

    assert due_users(at(2026, 6, 2, 20, 0)) == [("planner", datetime.date(2026, 6, 2), rules.PLANS)]
    assert due_users(at(2026, 6, 3, 20, 0)) == []


def test_a_reminder_day_with_plans_is_still_one_check_in_reminder():
    planner = make_user("planner")
    reminders_for(planner, days=[TUESDAY], commitments_due=True)
    make_commitment(planner, due_date=datetime.date(2026, 6, 2))
    assert due_users(at(2026, 6, 2, 20, 0)) == [
        ("planner", datetime.date(2026, 6, 2), rules.CHECK_IN)
    ]
    assert tasks.schedule(at(2026, 6, 2, 20, 0)) == 1
    assert tasks.schedule(at(2026, 6, 2, 20, 5)) == 0


def test_an_unknown_time_zone_falls_back_to_utc():
    odd = make_user("odd", time_zone="Mars/Olympus")
    reminders_for(odd, time=datetime.time(20, 0))
    assert [name for name, *_ in due_users(at(2026, 6, 2, 20, 0))] == ["odd"]


def test_two_schedulers_running_at_once_claim_the_day_once():
    reminders_for(make_user("robin"), time=datetime.time(9, 0))
    now = at(2026, 6, 2, 9, 0)
    # Both read who is due before either has sent anything.
    first, second = rules.due_reminders(now), rules.due_reminders(now)
    assert len(first) == len(second) == 1
    assert rules.claim(first[0]) is True
    assert rules.claim(second[0]) is False
