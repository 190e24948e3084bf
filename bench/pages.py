"""The benchmarked pages, and what is measured of them in-process: queries, bytes, profiles.

The test client goes through the same middleware and database as gunicorn, with the
session wrk sends, so the query count is the one each benchmarked request pays.
"""

import cProfile
import datetime
import gzip
import io
import itertools
import pstats
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import close_old_connections, connection
from django.templatetags.static import static
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.harness import ROOT
from bench.seed import Seeded
from bench.traffic import CHECKIN_FIELDS, CHECKIN_URL
from guides.models import Lesson


@dataclass
class Target:
    name: str
    label: str
    path: str
    session: str = ""  # signed out when empty
    method: str = "GET"
    # ("cpu" or "rps", at least this share of the static file's).
    goal: tuple[str, float] | None = None
    data: dict[str, str] = field(default_factory=dict)


def targets(seeded: Seeded) -> list[Target]:
    """In the table's order; the static file comes first because it is the yardstick."""
    heavy, writer = seeded.heavy, seeded.readers[0][1]
    return [
        Target("static", "static CSS (yardstick)", static("css/app.css")),
        Target("lesson", "lesson, anonymous", seeded.lesson_url, goal=("rps", 0.5)),
        Target("guides", "/guides/, signed in", reverse("guides:index"), heavy, goal=("cpu", 0.1)),
        Target(
            "dashboard", "dashboard, heavy", reverse("journal:dashboard"), heavy, goal=("cpu", 0.06)
        ),
        Target(
            "insights", "insights, heavy", reverse("journal:insights"), heavy, goal=("cpu", 0.06)
        ),
        Target("share", "share page, partner", seeded.share_url, goal=("cpu", 0.1)),
        Target(
            "checkin",
            "check-in POST",
            reverse(CHECKIN_URL),
            writer,
            "POST",
            ("cpu", 0.1),
            CHECKIN_FIELDS,
        ),
    ]


# Check-ins posted in-process go on earlier and earlier days before 1960, far from the
# days of any wrk run, so that each is a new row.
DAYS_BACK = itertools.count(1)


class Sender:
    """Sends one target again and again as gunicorn would serve it: a browser with only
    its session cookie, and a new date for every check-in."""

    def __init__(self, target: Target) -> None:
        self.target = target
        # One client: each new one loads the middleware again (whitenoise scans the files).
        self.client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_ENCODING="gzip")

    def __call__(self) -> Any:
        # wrk keeps no cookies; a messages cookie that grew with every request would be
        # measured instead.
        self.client.cookies.clear()
        if self.target.session:
            self.client.cookies[settings.SESSION_COOKIE_NAME] = self.target.session
        if self.target.method == "POST":
            day = datetime.date(1960, 1, 1) - datetime.timedelta(days=next(DAYS_BACK))
            data = {**self.target.data, "date": day.isoformat()}
            # Encoded as a browser and wrk send a form, not as the test client's multipart.
            response = self.client.post(
                self.target.path,
                urlencode(data, doseq=True),
                content_type="application/x-www-form-urlencoded",
            )
        else:
            response = self.client.get(self.target.path)
        # What the WSGI handler does after each request, and the test client does not.
        close_old_connections()
        return response


def queries(target: Target) -> int:
    """The SQL queries of one warm request (the first fills per-process caches)."""
    sender = Sender(target)
    sender()
    with CaptureQueriesContext(connection) as captured:
        sender()
    return len(captured)


STATIC_REF = re.compile(r"""(?:href|src)\s*=\s*["'](/static/[^"']+)["']""")


def largest_lesson() -> tuple[str, int]:
    """The heaviest first visit of any lesson: its HTML as the app sends it (gzipped) and
    every static file it references, as whitenoise serves them compressed."""
    sizes = {}
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_ENCODING="gzip")
    for lesson in Lesson.objects.published().select_related("stage"):
        response = client.get(lesson.get_absolute_url())
        html = response.content
        if response.get("Content-Encoding") == "gzip":
            html = gzip.decompress(html)
        total = len(response.content)
        for url in set(STATIC_REF.findall(html.decode())):
            path = Path(settings.STATIC_ROOT) / url.removeprefix(settings.STATIC_URL)
            packed = path.with_name(path.name + ".gz")
            total += (packed if packed.is_file() else path).stat().st_size
        sizes[lesson.slug] = total
    slug = max(sizes, key=sizes.__getitem__)
    return slug, sizes[slug]


# Where a function's own time is counted, by the file it lives in (first match wins).
AREAS = (
    # SQLite has no date_trunc: Django registers Python functions, called once per row.
    ("SQLite date functions run in Python, per row", ("sqlite3/_functions.py",)),
    ("SQL in the database driver", ("sqlite3", "psycopg")),
    ("Fernet decryption (journal text)", ("cryptography", "trustrepair/crypto.py")),
    (
        "ORM: rows into model instances and values",
        ("django/db/models/base.py", "django/db/backends/utils.py", "django/db/models/fields"),
    ),
    ("ORM: building and compiling queries", ("django/db/",)),
    ("templates and forms rendering", ("django/template", "django/forms", "templatetags")),
    ("URL reverse and resolve", ("django/urls",)),
    (
        "middleware, sessions, auth",
        (
            "django/contrib",
            "django/middleware",
            "django/core/handlers",
            "django/test/client.py",
            "axes",
            "django_otp",
            "django_htmx",
            "whitenoise",
            "trustrepair/middleware.py",
            "trustrepair/sessions.py",
        ),
    ),
    ("app code (views, insights, charts)", ("/guides/", "/journal/", "/trustrepair/")),
)
# Helpers used by everything: their time is counted with whoever called them.
PASS_THROUGH = ("django/utils", "asgiref", "django/dispatch", "django/apps", "<frozen")


def area_of(function: tuple[str, int, str]) -> str | None:
    """The area of a function; None for builtins, the standard library and generic
    helpers, whose time belongs to their callers (copy.copy is the ORM cloning
    querysets; lazy objects and translation are whatever used them)."""
    filename, _line, name = function
    where = filename if filename != "~" else name
    for area, needles in AREAS:
        if any(needle in where for needle in needles):
            return area
    if filename == "~" or any(needle in filename for needle in PASS_THROUGH):
        return None
    if "/lib/python3" in filename and "site-packages" not in filename:
        return None
    return "other libraries"


def by_area(stats: pstats.Stats) -> dict[str, float]:
    """Own time per area, with builtin and stdlib time handed up to their callers' areas."""
    table = stats.stats  # type: ignore[attr-defined]

    def shares(function: tuple[str, int, str], depth: int = 0) -> dict[str, float]:
        area = area_of(function)
        if area is not None:
            return {area: 1.0}
        callers = table.get(function, (0, 0, 0, 0, {}))[4]
        called = sum(entry[2] for entry in callers.values())
        if depth > 8 or not called:
            return {"Python runtime and standard library": 1.0}
        result: dict[str, float] = {}
        for caller, entry in callers.items():
            for name, part in shares(caller, depth + 1).items():
                result[name] = result.get(name, 0.0) + part * entry[2] / called
        return result

    totals: dict[str, float] = {}
    for function, (_cc, _nc, own, _cum, _callers) in table.items():
        for area, part in shares(function).items():
            totals[area] = totals.get(area, 0.0) + own * part
    return totals


def profile(target: Target, requests: int, top: int = 12) -> str:
    """Where one page's time goes: by area, in the project's code, the hottest functions."""
    sender = Sender(target)
    count = queries(target)
    # CPU time, not wall time: like x CPU, it hardly moves when others use the cores.
    started = time.process_time()
    for _ in range(requests):
        sender()
    plain = (time.process_time() - started) / requests
    # Timed by CPU, as gunicorn's CPU is: waiting for PostgreSQL's answer is not this
    # process's time (cProfile's default clock counted it).
    profiler = cProfile.Profile(time.process_time)
    for _ in range(requests):
        profiler.enable()
        sender()
        profiler.disable()
    out = io.StringIO()
    out.write(
        f"== {target.label}: {1000 * plain:.2f} ms CPU/request in-process, {count} queries "
        f"(profiled over {requests} requests; shares scaled to the time without the profiler)\n"
    )
    stats = pstats.Stats(profiler, stream=out)
    areas = by_area(stats)
    total = sum(areas.values()) or 1.0
    for area, seconds in sorted(areas.items(), key=lambda item: -item[1]):
        share = seconds / total
        out.write(f"   {100 * share:5.1f}%  ~{1000 * plain * share:5.2f} ms  {area}\n")
    table = stats.stats  # type: ignore[attr-defined]
    packages: dict[str, float] = {}
    for function, row in table.items():
        if area_of(function) == "other libraries":
            package = "/".join(function[0].split("site-packages/")[-1].split("/")[:2])
            packages[package] = packages.get(package, 0.0) + row[2]
    ranked = sorted(packages.items(), key=lambda item: -item[1])[:4]
    out.write(
        f"   other libraries: {', '.join(f'{n} {100 * t / total:.1f}%' for n, t in ranked)}\n"
    )
    for label, needle, name in (
        ("render()", "django/shortcuts.py", "render"),
        ("reverse()", "django/urls/base.py", "reverse"),
        ("Fernet decrypt", "trustrepair/crypto.py", "decrypt"),
    ):
        cumulative = sum(
            row[3] for (f, _l, n), row in table.items() if f.endswith(needle) and n == name
        )
        calls = sum(row[1] for (f, _l, n), row in table.items() if f.endswith(needle) and n == name)
        out.write(
            f"   {label}: {calls / requests:.0f} calls, {100 * cumulative / total:.0f}% "
            "of the request, callees included\n"
        )
    out.write("   The project's own functions, by cumulative time:\n")
    own_code = rf"{ROOT}/(guides|journal|trustrepair)/(?!middleware)"
    stats.sort_stats("cumulative").print_stats(own_code, top)
    out.write("   The hottest functions, by own time:\n")
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()
