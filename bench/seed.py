"""The benchmark's people: `heavy` with two years of daily check-ins, and light readers.

Their journals come from journal.demo_data, the generator `make_demo` uses. Sessions
are written directly, as a real sign-in leaves them, so wrk can send the cookie.
"""

import datetime
import random
from dataclasses import dataclass, field
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from guides.models import Lesson
from journal.demo_data import Shape, fill_journal
from journal.models import CheckIn
from journal.sharing.links import create_share
from journal.sharing.summary import build_snapshot
from trustrepair.backends import BACKEND
from trustrepair.models import User
from trustrepair.sessions import DEVICE, SEEN_AT, SIGNED_IN_AT

HEAVY = Shape(days=730, checkin_chance=1.0, commitments=3000, reflections=12, lessons_reached=15)
TIME_ZONES = ("Europe/London", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC")


@dataclass
class Seeded:
    lesson_url: str
    share_url: str
    heavy: str = ""  # the heavy user's session key
    # (user id, session key) of each light reader.
    readers: list[tuple[int, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def sign_in(user: User) -> str:
    """A session as a real sign-in leaves it; returns its key."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    now = int(timezone.now().timestamp())
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # Without these the middleware would rewrite the session on the first request.
    store.update({SIGNED_IN_AT: now, SEEN_AT: now, DEVICE: "Benchmark"})
    store.create()
    return str(store.session_key)


def share_url(user: User) -> str:
    """A month's summary with ratings, consistency and three reflections, as a partner opens it."""
    end = timezone.localdate()
    start = end - datetime.timedelta(days=29)
    picked = CheckIn.objects.filter(user=user, date__range=(start, end)).order_by("-date")
    snapshot = build_snapshot(
        user,
        start,
        end,
        include_ratings=True,
        include_consistency=True,
        reflection_checkin_ids=list(picked.values_list("pk", flat=True)[:3]),
    )
    _share, token = create_share(user, snapshot, "Here is how the last month looked to me.", 30)
    return reverse("sharing:public", args=[token])


def seed(readers: int = 49, heavy: bool = True) -> Seeded:
    rng = random.Random(7)  # noqa: S311 - reproducible data, not security
    lessons = list(Lesson.objects.published().select_related("stage").in_course_order())
    # One real Argon2 hash shared by all: hashing 50 passwords would dominate the seed.
    password = make_password(None)
    users = [
        User(username=f"reader{n:02d}", password=password, time_zone=rng.choice(TIME_ZONES))
        for n in range(1, readers + 1)
    ]
    if heavy:
        users.insert(0, User(username="heavy", password=password, time_zone="Europe/London"))
    User.objects.bulk_create(users)
    people = list(User.objects.filter(username__in=[u.username for u in users]).order_by("pk"))
    counts: dict[str, int] = {}

    def add(more: dict[str, int]) -> None:
        for key, value in more.items():
            counts[key] = counts.get(key, 0) + value

    if heavy:
        add(fill_journal(people[0], lessons, rng, HEAVY))
    today = timezone.localdate()
    for reader in people[1:] if heavy else people:
        shape = Shape(
            days=rng.choice((5, 20, 45, 90)),
            checkin_chance=1.0,
            commitments=rng.randrange(60),
            reflections=0,
            lessons_reached=rng.randrange(7),
        )
        # Light journals end a few days ago, so today's check-in form is a new one.
        add(
            fill_journal(
                reader, lessons, rng, shape, today - datetime.timedelta(rng.randrange(2, 6))
            )
        )
    seeded = Seeded(
        lesson_url=lessons[0].get_absolute_url(),
        share_url=share_url(people[0]),
        counts={"people": len(people), **counts},
    )
    if heavy:
        seeded.heavy = sign_in(people.pop(0))
    seeded.readers = [(user.pk, sign_in(user)) for user in people]
    analyze()
    return seeded


def analyze() -> None:
    """Give PostgreSQL's planner the statistics autovacuum keeps in a running database.

    Rows loaded in bulk a second ago have none (and autovacuum may be off on the bench
    server), so the planner would guess one row per table and scan instead of using the
    indexes: measured so, insights' strategies query took 5-13 ms instead of 1.3 ms.
    SQLite, like a real deployment of it, is left as it is.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
