"""What the benchmark requests: each page, who asks for it, and whether it can be run."""

import datetime
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from bench.harness import DATA, ROOT, Database, Gunicorn, fetch, task


@dataclass
class Target:
    name: str
    label: str
    path: str = ""
    method: str = "GET"
    session: str = ""
    csrf: str = ""
    cookie: str = ""
    skip: str = ""
    # Requests/s as a share of the static file's, when the page has a goal.
    goal_ratio: float | None = None


# The order of the table; the static file comes first because it is the yardstick.
PAGES = (
    ("static", "static CSS (ceiling)", None),
    ("lesson", "lesson, anonymous", 0.5),
    ("guides", "/guides/, signed in", None),
    ("dashboard", "dashboard, heavy user", 0.25),
    ("insights", "insights, heavy user", 0.25),
    # The same pages with no CSRF cookie yet, as on a browser's first view: every
    # request is built in full, never answered from the page cache (journal.page_cache).
    ("dashboard-rebuilt", "dashboard, rebuilt", None),
    ("insights-rebuilt", "insights, rebuilt", None),
    ("share", "share page, partner", None),
    ("checkin", "check-in POST", None),
)

CHECKIN_FIELDS = {
    "trust": "7",
    "communication": "4",
    "connection": "4",
    "working": "We talked through the week calmly.",
    "needs_work": "",
    "appreciation": "The tea they brought me.",
    "prompt": "",
    "prompt_answer": "",
    "safety_concern": "",
    "private_note": "Benchmark: private note.",
    "lesson": "",
}
FIELD_NAME = re.compile(r"""name=["']([a-z_]+)["']""")
CSRF_INPUT = re.compile(r"""name=["']csrfmiddlewaretoken["']\s+value=["']([^"']+)["']""")


def hashed_static(name: str) -> str:
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return ""
    hashed = json.loads(manifest.read_text())["paths"].get(name)
    return f"/static/{hashed}" if hashed else ""


def browser_cookie(seeded: dict[str, Any], session: str, csrf: str) -> str:
    """The Cookie header of a signed-in browser: its session and its CSRF cookie."""
    return f"{seeded['session_cookie']}={session}; {seeded['csrf_cookie']}={csrf}"


def build(seeded: dict[str, Any]) -> list[Target]:
    heavy = browser_cookie(seeded, seeded["heavy_session"], seeded["heavy_csrf"])
    urls = seeded["urls"]
    targets = []
    for name, label, ratio in PAGES:
        target = Target(name, label, goal_ratio=ratio)
        if name == "static":
            target.path = hashed_static("css/app.css")
            target.skip = "" if target.path else "css/app.css is not in the static manifest"
        else:
            target.path = urls.get(name.removesuffix("-rebuilt"), "")
            if not target.path:
                target.skip = {
                    "lesson": "no lesson URL (guides:lesson not routed or no lessons)",
                    "share": "no share was created (see the seed notes)",
                }.get(name, f"URL name for {name} is not routed")
        if name in {"guides", "dashboard", "insights"}:
            target.session, target.csrf = seeded["heavy_session"], seeded["heavy_csrf"]
            target.cookie = heavy
        elif name.endswith("-rebuilt"):
            target.session = seeded["heavy_session"]
            target.cookie = f"{seeded['session_cookie']}={seeded['heavy_session']}"
        targets.append(target)
    return targets


def probe(server: Gunicorn, targets: list[Target]) -> None:
    """One request per page first: a 404 or an error page is a skip, not a wrk run."""
    for target in targets:
        if target.skip or target.method != "GET" or target.name == "checkin":
            continue
        try:
            reply = fetch(server.port, target.path, cookie=target.cookie)
        except OSError as exc:
            target.skip = f"request failed: {exc}"
            continue
        if reply.status != 200:
            where = f" to {reply.headers.get('Location')}" if reply.status in {301, 302} else ""
            target.skip = f"GET {target.path[:40]} answered {reply.status}{where}"


class Writers:
    """Signed-in readers with a CSRF cookie and token, for valid check-in POSTs."""

    def __init__(self, server: Gunicorn, seeded: dict[str, Any], path: str) -> None:
        self.server = server
        self.path = path
        self.seeded = seeded
        self.entries: list[dict[str, str]] = []
        self.fields = ""
        self.values: dict[str, str] = {}
        self.reader_ids = [reader["id"] for reader in seeded["readers"]]
        self.runs = 0
        self.probes = 0

    def prepare(self) -> str:
        """Fetches each writer's form (cookie + token); returns why not, or ''."""
        session_name, csrf_name = self.seeded["session_cookie"], self.seeded["csrf_cookie"]
        names: set[str] = set()
        for reader in self.seeded["readers"]:
            cookie = f"{session_name}={reader['session']}"
            reply = fetch(self.server.port, self.path, cookie=cookie)
            if reply.status != 200:
                return f"GET {self.path} answered {reply.status}"
            token = CSRF_INPUT.search(reply.body)
            if token is None or csrf_name not in reply.cookies:
                return "the check-in form has no CSRF token or cookie"
            names |= set(FIELD_NAME.findall(reply.body))
            self.entries.append(
                {"cookie": f"{cookie}; {csrf_name}={reply.cookies[csrf_name]}", "token": token[1]}
            )
        if "date" not in names:
            return "the check-in form has no date field"
        self.values = {k: v for k, v in CHECKIN_FIELDS.items() if k in names}
        self.fields = urlencode(self.values)
        return self.probe()

    def probe(self) -> str:
        self.probes += 1
        day = datetime.date.today() - datetime.timedelta(days=300 + self.probes)
        writer = self.entries[0]
        body = f"csrfmiddlewaretoken={writer['token']}&date={day.isoformat()}&{self.fields}"
        reply = fetch(
            self.server.port, self.path, method="POST", cookie=writer["cookie"], body=body
        )
        if reply.status == 302 and "/checkins/" in reply.headers.get("Location", ""):
            return ""
        errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]{0,120})', reply.body)
        return f"a valid-looking POST answered {reply.status} {'; '.join(errors[:3])}".strip()

    def next_range(self) -> dict[str, Any]:
        """Dates for one wrk run, apart from every other run's and from real check-ins."""
        last = datetime.date.today() - datetime.timedelta(days=400 + 3000 * self.runs)
        self.runs += 1
        noon = datetime.datetime.combine(last, datetime.time(12), tzinfo=datetime.UTC)
        return {
            "first": (last - datetime.timedelta(days=2999)).isoformat(),
            "last": last.isoformat(),
            "base_epoch": int(noon.timestamp()),
        }

    def lua_params(self, dates: dict[str, Any], host: str) -> dict[str, Any]:
        return {
            "writers": self.entries,
            "fields": self.fields,
            "path": self.path,
            "base_epoch": dates["base_epoch"],
            "host": host,
        }

    def verify(self, database: Database, run_name: str, dates: dict[str, Any]) -> dict[str, int]:
        pks = DATA / f"pks-{run_name}.txt"
        if not pks.exists():
            pks.write_text("")
        readers = DATA / "reader-ids.json"
        readers.write_text(json.dumps(self.reader_ids))
        out = task(database, "verify-writes", str(pks), dates["first"], dates["last"], str(readers))
        pks.unlink()
        return json.loads(out.strip().splitlines()[-1])


def measurable(targets: list[Target], writers: Writers | None) -> list[dict[str, Any]]:
    """The targets as the in-process measurement wants them."""
    rows = []
    for target in targets:
        if target.skip:
            continue
        if target.name == "checkin":
            if writers is None or not writers.entries:
                continue
            # Long before any wrk run's dates; the profile counts down from here.
            data = {**writers.values, "date": "1960-01-01"}
            rows.append(
                {
                    "name": "checkin",
                    "method": "POST",
                    "path": target.path,
                    "session": writers.seeded["readers"][1]["session"],
                    "data": data,
                }
            )
            continue
        rows.append(
            {
                "name": target.name,
                "method": "GET",
                "path": target.path,
                "session": target.session,
                "csrf": target.csrf,
            }
        )
    return rows


def writes_summary(result: dict[str, Any], found: dict[str, int]) -> dict[str, int]:
    return {
        "sent": result["writes_sent"],
        "acknowledged": result["writes_acked"],
        "found": found["found"],
        "rejected": result["writes_rejected"],
        # Still in flight when wrk stopped: maybe stored, never answered; not a failure.
        "unanswered": result["writes_unanswered"],
        "rows_in_range": found["rows_in_range"],
    }
