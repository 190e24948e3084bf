"""A realistic data set for the benchmark: the course, 50 people, one heavy journal.

Runs inside Django (see bench/tasks.py). Rows are written with bulk_create, so the
two years of the heavy user take seconds rather than minutes, and a fixed random
seed makes every run load the same shapes of data.
"""

import datetime
import random
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.crypto import get_random_string

from trustrepair.models import User

USERS = 50
HEAVY_DAYS = 730
HEAVY_COMMITMENTS = 3000
BATCH = 500
TIME_ZONES = ("Europe/London", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC")

COMMITMENT_TEXTS = (
    "Tell them where I'm going and roughly when I'll be back",
    "Call at lunch like I said I would",
    "Say early if I'm going to be late from work, and why",
    "Share one thing about my day without being asked",
    "Name one thing I appreciate about them, out loud",
    "Listen to the end without interrupting or defending myself",
    "Arrive on time for dinner with their parents",
    "Keep Thursday evening free for just the two of us, phones away",
    "Own the mistake about the bills plainly, no 'but'",
    "Notice when a doubt rises and name it before acting on it",
    "Book the first counselling appointment",
    "Leave my phone face up on the table at home",
    "Ask how their day went and really listen",
    "Pick the kids up on Wednesday as agreed",
    "Take a walk together on Sunday morning",
)
WORKING = (
    "We talked through the week without it turning into an argument.",
    "They told me about the change of plan before I had to ask.",
    "Dinner together on Friday felt easy for the first time in a while.",
    "I felt listened to when I brought up the holiday.",
    "Small things: a message at lunch, the coffee in the morning.",
)
NEEDS_WORK = (
    "I still check their face for signs when they come home late.",
    "We avoid talking about money.",
    "I got defensive when they asked a simple question.",
    "Evenings are busy and we hardly see each other.",
    "",
)
APPRECIATION = (
    "They remembered my appointment and asked how it went.",
    "They made time to call my mum.",
    "The note on the fridge.",
    "They stayed calm when I was upset.",
    "",
)
NOTES = (
    "Felt a knot in my stomach on Tuesday; it passed once we talked.",
    "Slept badly, probably why everything felt worse.",
    "",
    "",
)
PROMPT_KEYS = ("promises", "doubt-moments", "heated", "small-wins", "my-feelings", "")


@dataclass
class Seeded:
    """What the benchmark needs to know about the data: ids, URLs, cookies."""

    heavy_id: int = 0
    session_cookie: str = ""
    csrf_cookie: str = ""
    heavy_session: str = ""
    heavy_csrf: str = ""
    readers: list[dict[str, Any]] = field(default_factory=list)
    urls: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def has_tables(*tables: str) -> bool:
    existing = set(connection.introspection.table_names())
    return all(table in existing for table in tables)


def url_or_none(name: str, *args: object) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def sign_in(user: User) -> str:
    """A session as a real sign-in leaves it, so wrk can send its cookie."""
    from trustrepair.sessions import DEVICE, SEEN_AT, SIGNED_IN_AT

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    now = int(timezone.now().timestamp())
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # Without these the middleware would rewrite the session on the first request.
    store[SIGNED_IN_AT] = now
    store[SEEN_AT] = now
    store[DEVICE] = "Benchmark"
    store.create()
    return store.session_key


def csrf_cookie_value() -> str:
    """The CSRF cookie a browser keeps after its first page: sent back with every request."""
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH

    return get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)


def make_users(rng: random.Random) -> list[User]:
    # One real Argon2 hash shared by all: hashing 50 passwords would dominate the seed.
    password = make_password("bench-password-not-used-for-anything")
    users = [User(username="heavy", password=password, time_zone="Europe/London")]
    users += [
        User(username=f"reader{n:02d}", password=password, time_zone=rng.choice(TIME_ZONES))
        for n in range(1, USERS)
    ]
    User.objects.bulk_create(users, batch_size=BATCH)
    return list(User.objects.filter(username__in=[u.username for u in users]).order_by("pk"))


def course() -> list:
    from guides.models import Lesson

    return list(Lesson.objects.published().select_related("stage").in_course_order())


def aware(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=datetime.UTC)


def commitments_for(
    user: User, count: int, days: int, today: datetime.date, lessons: list, rng: random.Random
) -> list:
    from guides.models import Strategy
    from journal.models import Commitment, CommitmentStatus

    strategies = list(Strategy.values)
    rows = []
    for _ in range(count):
        age = rng.randrange(days)
        created = aware(
            today - datetime.timedelta(days=age), rng.randrange(7, 23), rng.randrange(60)
        )
        due_date = due_time = None
        if rng.random() < 0.7:
            due_date = created.date() + datetime.timedelta(days=rng.randrange(0, 8))
            if rng.random() < 0.3:
                due_time = datetime.time(rng.randrange(8, 22), rng.choice((0, 15, 30, 45)))
        # Old promises are settled; the last fortnight's are mostly still open.
        settled = age > 14 or rng.random() < 0.4
        status, resolved_at, reason = CommitmentStatus.OPEN, None, ""
        if settled:
            roll = rng.random()
            if roll < 0.72:
                status = CommitmentStatus.KEPT
            elif roll < 0.86:
                status = CommitmentStatus.MISSED
            else:
                status = CommitmentStatus.RENEGOTIATED
                reason = "Work ran late; I told them at lunchtime and we moved it to Saturday."
            resolved_at = min(
                created + datetime.timedelta(hours=rng.randrange(2, 24 * 7)),
                timezone.now(),
            )
        rows.append(
            Commitment(
                user=user,
                text=rng.choice(COMMITMENT_TEXTS),
                due_date=due_date,
                due_time=due_time,
                strategy=rng.choice(strategies),
                lesson=rng.choice(lessons) if lessons and rng.random() < 0.3 else None,
                note=rng.choice(NOTES),
                status=status,
                renegotiation_reason=reason,
                resolved_at=resolved_at,
                created_at=created,
            )
        )
    return rows


def checkins_for(
    user: User, first_day: datetime.date, days: int, lessons: list, rng: random.Random
) -> list:
    from journal.models import CheckIn

    rows = []
    for n in range(days):
        day = first_day + datetime.timedelta(days=n)
        progress = n / max(days - 1, 1)
        # Ratings improve gently over the period, with ordinary day-to-day noise.
        trust = round(4 + 3.5 * progress + rng.gauss(0, 1.2))
        lesson = (
            lessons[min(int(progress * len(lessons) * 1.2), len(lessons) - 1)] if lessons else None
        )
        prompt = rng.choice(PROMPT_KEYS)
        rows.append(
            CheckIn(
                user=user,
                date=day,
                trust=max(1, min(10, trust)),
                communication=max(1, min(5, round(2.5 + 1.5 * progress + rng.gauss(0, 0.8)))),
                connection=max(1, min(5, round(2.5 + 1.5 * progress + rng.gauss(0, 0.8)))),
                working=rng.choice(WORKING) if rng.random() < 0.7 else "",
                needs_work=rng.choice(NEEDS_WORK),
                appreciation=rng.choice(APPRECIATION),
                prompt=prompt,
                prompt_answer="Mostly kept them; one slipped and I said so early."
                if prompt
                else "",
                safety_concern=rng.choice((None, None, None, False)),
                private_note=rng.choice(NOTES),
                stage=lesson.stage if lesson else None,
                lesson=lesson,
                created_at=aware(day, 21, rng.randrange(60)),
            )
        )
    return rows


def progress_for(user: User, lessons: list, completed: int, now: datetime.datetime) -> list:
    from guides.models import LessonProgress

    rows = []
    for index, lesson in enumerate(lessons[: completed + 1]):
        started = now - datetime.timedelta(days=10 * (len(lessons) - index))
        rows.append(
            LessonProgress(
                user=user,
                lesson=lesson,
                started_at=started,
                last_viewed_at=started + datetime.timedelta(days=2),
                completed_at=started + datetime.timedelta(days=3) if index < completed else None,
            )
        )
    return rows


def seed_journal(
    heavy: User, readers: list[User], lessons: list, seeded: Seeded, rng: random.Random
) -> None:
    from journal.models import CheckIn, Commitment, LessonReflection

    today = timezone.localdate()
    commitments = commitments_for(heavy, HEAVY_COMMITMENTS, HEAVY_DAYS, today, lessons, rng)
    # Two full years up to and including today: the heavy user checks in every day.
    checkins = checkins_for(
        heavy, today - datetime.timedelta(days=HEAVY_DAYS - 1), HEAVY_DAYS, lessons, rng
    )
    reflections = [
        LessonReflection(
            user=heavy,
            lesson=lesson,
            text="I recognised myself in the example; I go quiet instead of saying what I need.",
        )
        for lesson in lessons[:12]
    ]
    for reader in readers:
        days = rng.choice((0, 5, 20, 45, 90))
        # Light journals end a few days ago, so today's check-in form is a fresh one.
        end = today - datetime.timedelta(days=rng.randrange(2, 6))
        checkins += checkins_for(
            reader, end - datetime.timedelta(days=days - 1), days, lessons, rng
        )
        commitments += commitments_for(reader, rng.randrange(0, 60), 90, today, lessons, rng)
    Commitment.objects.bulk_create(commitments, batch_size=BATCH)
    CheckIn.objects.bulk_create(checkins, batch_size=BATCH)
    LessonReflection.objects.bulk_create(reflections, batch_size=BATCH)
    seeded.counts.update(
        commitments=len(commitments),
        checkins=len(checkins),
        reflections=len(reflections),
        heavy_commitments=HEAVY_COMMITMENTS,
        heavy_checkins=HEAVY_DAYS,
    )


def seed_share(heavy: User, seeded: Seeded) -> None:
    from journal.sharing.links import create_share
    from journal.sharing.summary import build_snapshot

    if not has_tables("journal_share"):
        seeded.notes.append("share target skipped: no journal_share table (migration missing)")
        return
    from journal.models import CheckIn

    end = timezone.localdate()
    start = end - datetime.timedelta(days=29)
    picked = list(
        CheckIn.objects.filter(user=heavy, date__range=(start, end))
        .order_by("-date")
        .values_list("pk", flat=True)[:3]
    )
    snapshot = build_snapshot(
        heavy,
        start,
        end,
        include_ratings=True,
        include_consistency=True,
        reflection_checkin_ids=picked,
    )
    _share, token = create_share(heavy, snapshot, "Here is how the last month looked to me.", 30)
    seeded.urls["share"] = url_or_none("sharing:public", token) or f"/s/{token}/"


def seed() -> Seeded:
    rng = random.Random(7)  # noqa: S311 - reproducible data, not security
    seeded = Seeded()
    users = make_users(rng)
    heavy, readers = users[0], users[1:]
    lessons = course()
    seeded.counts["lessons"] = len(lessons)
    if not lessons:
        seeded.notes.append("no lessons loaded: the lesson targets are skipped")
    from guides.models import LessonProgress

    now = timezone.now()
    progress = progress_for(heavy, lessons, min(14, max(len(lessons) - 1, 0)), now)
    for reader in readers:
        progress += progress_for(reader, lessons, rng.randrange(0, 6), now)
    LessonProgress.objects.bulk_create(progress, batch_size=BATCH)

    if has_tables("journal_commitment", "journal_checkin", "journal_lessonreflection"):
        seed_journal(heavy, readers, lessons, seeded, rng)
        seed_share(heavy, seeded)
    else:
        seeded.notes.append("journal tables missing (no journal migration yet): journal not seeded")

    seeded.heavy_id = heavy.pk
    seeded.session_cookie = settings.SESSION_COOKIE_NAME
    seeded.csrf_cookie = settings.CSRF_COOKIE_NAME
    seeded.heavy_session = sign_in(heavy)
    seeded.heavy_csrf = csrf_cookie_value()
    seeded.readers = [
        {"id": r.pk, "username": r.username, "session": sign_in(r), "csrf": csrf_cookie_value()}
        for r in readers
    ]
    if lessons:
        try:
            seeded.urls["lesson"] = lessons[0].get_absolute_url()
        except NoReverseMatch:
            seeded.notes.append("guides:lesson is not routed: the lesson target is skipped")
    for key, name in (
        ("guides", "guides:index"),
        ("dashboard", "journal:dashboard"),
        ("insights", "journal:insights"),
        ("checkin", "journal:checkin_new"),
    ):
        seeded.urls[key] = url_or_none(name) or ""
    return seeded
