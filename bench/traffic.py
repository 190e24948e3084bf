"""Check-in writers and mixed load, shared by the benchmark and the scale check.

Runs beside Django (the acknowledged writes are looked up in the database), while
the requests themselves go over HTTP to gunicorn or nginx.
"""

import datetime
import itertools
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from bench.harness import BenchError, fetch
from bench.wrk import Wrk
from journal.models import CheckIn

CHECKIN_FIELDS = {
    "trust": "7",
    "communication": "4",
    "connection": "4",
    "working": "We talked through the week calmly.",
    "appreciation": "The tea they brought me.",
    "private_note": "Benchmark: private note.",
}
FIELD_NAME = re.compile(r"""name=["']([a-z_]+)["']""")
CSRF_INPUT = re.compile(r"""name=["']csrfmiddlewaretoken["']\s+value=["']([^"']+)["']""")
# Where a check-in for any day is posted.
CHECKIN_URL = "journal:checkin_another_day"
# Three connections read for every one that writes: people look more than they write.
WRITE_SHARE = 4
# Each run writes on dates of its own, 4,000 days apart, apart from real check-ins.
RUNS = itertools.count()


def session_cookie(session: str) -> str:
    return f"{settings.SESSION_COOKIE_NAME}={session}" if session else ""


class Writers:
    """Signed-in people posting valid check-ins, each with the CSRF cookie and token that
    their check-in form gave them, every write on a date of its own."""

    def __init__(self, port: int, people: list[tuple[int, str]]) -> None:
        self.port = port
        self.path = reverse(CHECKIN_URL)
        self.ids = [pk for pk, _session in people]
        self.entries: list[dict[str, str]] = []
        for _pk, session in people:
            reply = fetch(port, self.path, cookie=session_cookie(session))
            token = CSRF_INPUT.search(reply.body)
            csrf = reply.cookies.get(settings.CSRF_COOKIE_NAME)
            if reply.status != 200 or token is None or csrf is None:
                raise BenchError(f"GET {self.path}: {reply.status}, no form with a CSRF token")
            cookie = f"{session_cookie(session)}; {settings.CSRF_COOKIE_NAME}={csrf}"
            self.entries.append({"cookie": cookie, "token": token[1]})
        names = set(FIELD_NAME.findall(reply.body))
        self.fields = urlencode({k: v for k, v in CHECKIN_FIELDS.items() if k in names})

    def params(self) -> dict[str, Any]:
        """The Lua parameters of one run, on dates no other run or real check-in uses."""
        self.last = datetime.date.today() - datetime.timedelta(days=400 + 4000 * next(RUNS))
        noon = datetime.datetime.combine(self.last, datetime.time(12), tzinfo=datetime.UTC)
        return {
            "writers": self.entries,
            "fields": self.fields,
            "path": self.path,
            "base_epoch": int(noon.timestamp()),
            "host": "127.0.0.1",
        }

    def verify(self, result: dict[str, Any]) -> dict[str, int]:
        """Every acknowledged write looked up; what the run left in its dates, in all."""
        answered = sum(result["statuses"].values())
        first = self.last - datetime.timedelta(days=3999)
        stored = CheckIn.objects.filter(user_id__in=self.ids, date__range=(first, self.last))
        return {
            "sent": result["writes_sent"],
            "acknowledged": result["writes_acked"],
            "found": CheckIn.objects.filter(pk__in=set(result["pks"])).count(),
            "rejected": answered - result["writes_acked"],
            # In flight when wrk stopped: maybe stored, never answered; not a failure.
            "unanswered": result["writes_sent"] - answered,
            "stored": stored.count(),
        }


def writes_line(w: dict[str, int]) -> str:
    verdict = "every one found" if w["found"] == w["acknowledged"] else "SOME LOST"
    return (
        f"writes acknowledged {w['acknowledged']}, found in the database {w['found']} "
        f"({verdict}); not acknowledged {w['rejected']}; in flight when wrk stopped "
        f"{w['unanswered']}; rows stored in the run's dates {w['stored']}"
    )


def mixed_load(
    port: int,
    reads: list[dict[str, str]],
    writers: Writers,
    *,
    duration: float,
    connections: int,
    during: Callable[[], None] | None = None,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, int]]:
    """Reads and writes from two wrk processes side by side, so that every answer to a
    write is known to be one; `during` runs while they do. Returns reads, writes and
    the writes' verification."""
    write_connections = max(1, connections // WRITE_SHARE)
    base = f"http://127.0.0.1:{port}"
    readers = Wrk(
        base + "/",
        name="load-reads",
        duration=duration,
        threads=1,
        connections=connections - write_connections,
        params={"reads": reads, "host": "127.0.0.1"},
    )
    writes = Wrk(
        base + writers.path,
        name="load-writes",
        duration=duration,
        threads=1,
        connections=write_connections,
        params=writers.params(),
    )
    try:
        readers.start()
        writes.start()
        if during is not None:
            during()
        read_result, write_result = readers.result(), writes.result()
    finally:
        readers.stop()
        writes.stop()
    return read_result, write_result, writers.verify(write_result)


def traffic_line(kind: str, result: dict[str, Any]) -> str:
    return (
        f"{kind:<6} {result['requests']:>6} requests ({result['rps']:6.1f}/s), p50 "
        f"{result['p50_us'] / 1000:6.1f} ms, p99 {result['p99_us'] / 1000:6.1f} ms; errors "
        f"{result['errors']} (socket {result['errors'] - result['status']}, HTTP 4xx/5xx "
        f"{result['status']}); statuses {result['statuses']}"
    )
