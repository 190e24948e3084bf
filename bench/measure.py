"""In-process numbers for each page: SQL queries, compressed bytes, and a profile.

The test client goes through the same middleware and database as gunicorn does,
signed in with the very session cookie that wrk sends, so the query count is the
one each benchmarked request pays.
"""

import cProfile
import datetime
import gzip
import io
import pstats
import re
import statistics
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

ROOT = Path(__file__).resolve().parent.parent
STATIC_REF = re.compile(r"""(?:href|src)\s*=\s*["']([^"']+)["']""")
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")


def client_for(session: str, csrf: str = "") -> Client:
    # ALLOWED_HOSTS is 127.0.0.1 in the benchmark, as it is for gunicorn.
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_ENCODING="gzip")
    if session:
        client.cookies[settings.SESSION_COOKIE_NAME] = session
    if csrf:
        client.cookies[settings.CSRF_COOKIE_NAME] = csrf
    return client


def send(client: Client, target: dict[str, Any]) -> Any:
    if target["method"] == "POST":
        return client.post(target["path"], target.get("data") or {})
    return client.get(target["path"])


def static_file(url: str) -> Path | None:
    if not url.startswith(settings.STATIC_URL):
        return None
    path = Path(settings.STATIC_ROOT) / url[len(settings.STATIC_URL) :].split("?")[0]
    return path if path.is_file() else None


def served_size(path: Path) -> int:
    """Bytes on the wire for a browser that accepts gzip: whitenoise's .gz when it made one."""
    compressed = path.with_name(path.name + ".gz")
    if compressed.is_file():
        return min(compressed.stat().st_size, path.stat().st_size)
    return min(len(gzip.compress(path.read_bytes(), 9)), path.stat().st_size)


def assets_of(html: str) -> dict[str, int]:
    """Every static file a first visit downloads: CSS, JS, icons, and what the CSS pulls in."""
    sizes: dict[str, int] = {}
    pending = [url for url in STATIC_REF.findall(html) if url.startswith(settings.STATIC_URL)]
    while pending:
        url = pending.pop()
        if url in sizes:
            continue
        path = static_file(url)
        if path is None:
            sizes[url] = 0
            continue
        sizes[url] = served_size(path)
        if path.suffix == ".css":
            base = url.rsplit("/", 1)[0] + "/"
            for ref in CSS_URL.findall(path.read_text(errors="replace")):
                if ref.startswith("data:"):
                    continue
                pending.append(ref if ref.startswith("/") else base + ref)
    return sizes


def measure_target(target: dict[str, Any]) -> dict[str, Any]:
    if target["name"] == "static":
        path = static_file(target["path"])
        return {"queries": 0, "total_gz": served_size(path) if path else None}
    client = client_for(target.get("session", ""), target.get("csrf", ""))
    if target["method"] == "GET":
        # The first request of a process fills caches (URL resolver, templates);
        # wrk measures warm workers, so the counted request is the second one.
        send(client, target)
    with CaptureQueriesContext(connection) as queries:
        response = send(client, target)
    result: dict[str, Any] = {
        "status": response.status_code,
        "queries": len(queries),
        "sql": [q["sql"][:160] for q in queries.captured_queries],
    }
    content_type = response.get("Content-Type", "")
    if target["method"] == "GET" and content_type.startswith("text/html"):
        wire = response.content
        encoding = response.get("Content-Encoding", "")
        html = gzip.decompress(wire) if encoding == "gzip" else wire
        assets = assets_of(html.decode("utf-8", errors="replace"))
        result["html_bytes"] = len(html)
        # The body as gunicorn sends it (compressed only where the app does it, as for
        # anonymous lesson pages), for comparing with the gzip estimate: a proxy in
        # front has to compress the rest.
        result["html_wire"] = len(wire)
        result["html_encoding"] = encoding
        result["html_gz"] = len(gzip.compress(html, 6))
        result["assets_gz"] = sum(assets.values())
        result["assets"] = assets
        result["total_gz"] = result["html_gz"] + result["assets_gz"]
    return result


def every_lesson_size() -> dict[str, Any]:
    """The heaviest first visit across the whole course, not just the benchmarked lesson."""
    from guides.models import Lesson

    client = client_for("")
    sizes = {}
    for lesson in Lesson.objects.published().select_related("stage"):
        response = client.get(lesson.get_absolute_url())
        if response.status_code != 200:
            continue
        html = response.content
        if response.get("Content-Encoding") == "gzip":
            html = gzip.decompress(html)
        assets = assets_of(html.decode("utf-8", errors="replace"))
        sizes[lesson.slug] = len(gzip.compress(html, 6)) + sum(assets.values())
    if not sizes:
        return {}
    largest = max(sizes, key=sizes.__getitem__)
    return {"lessons": len(sizes), "largest": largest, "largest_total_gz": sizes[largest]}


def measure(targets: list[dict[str, Any]]) -> dict[str, Any]:
    results = {}
    for target in targets:
        try:
            results[target["name"]] = measure_target(target)
        except Exception as exc:
            results[target["name"]] = {"error": f"{type(exc).__name__}: {exc}"}
    try:
        results["_all_lessons"] = every_lesson_size()
    except Exception as exc:
        results["_all_lessons"] = {"error": f"{type(exc).__name__}: {exc}"}
    return results


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
    (
        "middleware, sessions, auth",
        (
            "django/contrib/sessions",
            "django/contrib/auth",
            "django/middleware",
            "axes",
            "django_otp",
            "django_htmx",
            "whitenoise",
            "trustrepair/middleware.py",
            "trustrepair/sessions.py",
            "django/core/handlers",
            "django/test/client.py",
        ),
    ),
    ("URL reverse and resolve", ("django/urls",)),
    ("app code (views, insights, charts)", ("/guides/", "/journal/", "/trustrepair/")),
)
# Helpers used by everything: their time is counted with whoever called them.
PASS_THROUGH = ("django/utils", "asgiref", "django/dispatch", "django/apps", "<frozen")


def area_of(function: tuple[str, int, str]) -> str | None:
    """The area of a function, or None for builtins, the standard library and generic
    helpers, whose time belongs to whoever called them (copy.copy is the ORM cloning
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


def breakdown(stats: pstats.Stats) -> dict[str, float]:
    """Own time per area, with builtin and stdlib time handed up to their callers' areas."""
    table = stats.stats  # type: ignore[attr-defined]

    def shares(function: tuple, depth: int = 0) -> dict[str, float]:
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


def other_libraries(stats: pstats.Stats, top: int = 4) -> str:
    packages: dict[str, float] = {}
    for function, row in stats.stats.items():  # type: ignore[attr-defined]
        if area_of(function) == "other libraries":
            package = function[0].split("site-packages/")[-1].rsplit("/", 1)[0]
            packages[package] = packages.get(package, 0.0) + row[2]
    total = sum(row[2] for row in stats.stats.values()) or 1.0  # type: ignore[attr-defined]
    ranked = sorted(packages.items(), key=lambda item: -item[1])[:top]
    return ", ".join(f"{name} {100 * seconds / total:.0f}%" for name, seconds in ranked)


class Sender:
    """Sends one target again and again as gunicorn would serve it.

    After each request it does what the WSGI handler does and the test client
    skips: close the database connection unless CONN_MAX_AGE says to keep it.
    A check-in POST gets an earlier date each time, so every one is a new row.
    """

    def __init__(self, target: dict[str, Any]) -> None:
        self.target = target
        self.client = client_for(target.get("session", ""), target.get("csrf", ""))
        self.sent = 0

    def __call__(self, *, close: bool = True) -> Any:
        target = self.target
        data = target.get("data") or {}
        if target["method"] == "POST" and "date" in data:
            day = datetime.date.fromisoformat(data["date"]) - datetime.timedelta(days=self.sent)
            target = {**target, "data": {**data, "date": day.isoformat()}}
        self.sent += 1
        # wrk keeps no cookies; the test client would, and a messages cookie that
        # grows with every unread "saved" message would be measured instead.
        self.client.cookies = client_for(target.get("session", ""), target.get("csrf", "")).cookies
        response = send(self.client, target)
        if close:
            close_old_connections()
        return response

    def timed(self, requests: int) -> float:
        started = time.perf_counter()
        for _ in range(requests):
            self()
        return (time.perf_counter() - started) / requests


def cumulative_ms(stats: pstats.Stats, path_end: str, name: str, requests: int) -> float:
    for (filename, _line, function), row in stats.stats.items():  # type: ignore[attr-defined]
        if filename.endswith(path_end) and function == name:
            return 1000 * row[3] / requests
    return 0.0


def per_request_ms(sender: Sender, requests: int) -> tuple[float, float | None]:
    """Wall time per request as configured and, where the settings reconnect on every
    request (CONN_MAX_AGE=0), with the connection kept: an in-process
    experiment, alternated in rounds so a busy machine affects both alike."""
    if connection.settings_dict.get("CONN_MAX_AGE") != 0:
        return sender.timed(requests), None
    as_set, kept = [], []
    for _ in range(4):
        as_set.append(sender.timed(max(1, requests // 4)))
        connection.settings_dict["CONN_MAX_AGE"] = None
        try:
            sender()
            kept.append(sender.timed(max(1, requests // 4)))
        finally:
            connection.settings_dict["CONN_MAX_AGE"] = 0
            connection.close()
    return statistics.median(as_set), statistics.median(kept)


def profile(target: dict[str, Any], requests: int, top: int = 15) -> str:
    """Where one page's time goes: by area, in the project's code, and the hottest functions."""
    sender = Sender(target)
    sender()
    with CaptureQueriesContext(connection) as queries:
        sender(close=False)
    # Read now: the captured list is a view of connection.queries, reset per request.
    query_count = len(queries)
    close_old_connections()
    plain, kept = per_request_ms(sender, requests)
    profiler = cProfile.Profile()
    statuses: dict[int, int] = {}
    started = time.perf_counter()
    for _ in range(requests):
        profiler.enable()
        status = sender().status_code
        profiler.disable()
        statuses[status] = statuses.get(status, 0) + 1
    wall = (time.perf_counter() - started) / requests
    out = io.StringIO()
    out.write(
        f"== {target['name']} {target['method']} {target['path'][:60]}: "
        f"{1000 * plain:.2f} ms/request in-process ({1000 * wall:.2f} with the profiler on), "
        f"{query_count} queries; profiled answers {statuses}\n"
    )
    stats = pstats.Stats(profiler, stream=out)
    connect = cumulative_ms(stats, "db/backends/base/base.py", "connect", requests)
    close = cumulative_ms(stats, "db/backends/base/base.py", "close", requests)
    if connect or close:
        out.write(
            f"   opening the database connection ~{connect:.2f} ms and closing it "
            f"~{close:.2f} ms per request, with the profiler on\n"
        )
    render_ms = cumulative_ms(stats, "django/shortcuts.py", "render", requests)
    if render_ms:
        out.write(
            f"   render() of the page's template: ~{render_ms * plain / wall:.2f} ms "
            "(its profiled share of the request, scaled to the time without the profiler)\n"
        )
    if kept is not None:
        out.write(
            f"   experiment in this process: {1000 * kept:.2f} ms/request if the connection "
            "were kept between requests (CONN_MAX_AGE=None) instead of reopened\n"
        )
    out.write("   Own time by area (builtins and stdlib counted with their callers):\n")
    areas = breakdown(stats)
    total = sum(areas.values()) or 1.0
    # Scaled to the time without the profiler, which slows Python code unevenly
    # but keeps the proportions close enough to say what dominates.
    for area, seconds in sorted(areas.items(), key=lambda item: -item[1]):
        share = seconds / total
        out.write(f"   {100 * share:5.1f}%  ~{1000 * plain * share:5.2f} ms  {area}\n")
    others = other_libraries(stats)
    if others:
        out.write(f"   other libraries, own time: {others}\n")
    out.write("   The project's own functions, by cumulative time:\n")
    stats.sort_stats("cumulative").print_stats(rf"{ROOT}/(guides|journal|trustrepair)/", top)
    out.write("   The hottest functions, by own time:\n")
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()
