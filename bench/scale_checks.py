"""The scale check's checks, in order: one session on both app servers, the shared
share-guess limit, a content reload seen by both, load through nginx, with one server
killed, and a Redis outage. Each result is printed as it comes.
"""

import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from typing import TYPE_CHECKING

from bench.cluster import Cluster
from bench.harness import ROOT, Reply, fetch, say

if TYPE_CHECKING:
    from bench.seed import Seeded

# Each request of a check comes from a loopback address of its own, so that the limits,
# which key on the client address nginx appends, see separate clients.
GUESSER, NEIGHBOUR, OUTAGE_GUESSER, LATER_GUESSER = (
    "127.0.0.2",
    "127.0.0.3",
    "127.0.0.4",
    "127.0.0.5",
)
WRITE_CONNECTIONS = 6


def upstream(reply: Reply) -> str:
    return reply.headers.get("X-Upstream", "?").rsplit(":", 1)[-1]


def statuses(replies: list[Reply]) -> str:
    counts: dict[str, int] = {}
    for reply in replies:
        key = (
            f"{reply.status} from :{upstream(reply)}"
            if "X-Upstream" in reply.headers
            else str(reply.status)
        )
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{n} x {key}" for key, n in sorted(counts.items()))


class Checks:
    """Run in order by run(); remembers which failed."""

    def __init__(
        self,
        cluster: Cluster,
        env: dict[str, str],
        seeded: "Seeded",
        password: str,
        duration: float,
    ) -> None:
        self.cluster, self.env, self.seeded = cluster, env, seeded
        self.password, self.duration = password, duration
        self.failed: list[str] = []
        self.count = 0

    def check(self, name: str, passed: bool, detail: str) -> None:
        self.count += 1
        say(f"  [{'PASS' if passed else 'FAIL'}] {name}: {detail}")
        if not passed:
            self.failed.append(name)

    def miss(self, source: str, **headers: str) -> Reply:
        """A share link that does not exist, through nginx from the client `source`."""
        return self.cluster.via_nginx(
            f"/s/{secrets.token_urlsafe(32)}/", source=source, headers=headers
        )

    def run(self) -> bool:
        say("Checks:")
        self.session()
        self.guess_limit()
        self.content_reload()
        say(
            f"  load through nginx, {self.duration:.0f} s, {3 * WRITE_CONNECTIONS} connections"
            f" reading and {WRITE_CONNECTIONS} posting check-ins:"
        )
        self.load(kill=False)
        say("  the same load, one app server killed a third of the way in:")
        self.load(kill=True)
        self.redis_outage()
        errors = self.cluster.app_log(r"unhandled \w+")
        self.check(
            "no unhandled exception in either app server's log", errors == 0, f"{errors} found"
        )
        return not self.failed

    def session(self) -> None:
        """Sign in on app-1, keep working on app-2: sessions live in PostgreSQL."""
        from django.conf import settings

        from bench.traffic import CSRF_INPUT, session_cookie

        one, two = self.cluster.app_ports
        page = fetch(one, "/accounts/login/")
        csrf = f"{settings.CSRF_COOKIE_NAME}={page.cookies[settings.CSRF_COOKIE_NAME]}"
        token = CSRF_INPUT.search(page.body)
        assert token is not None  # noqa: S101 - the sign-in form has one
        body = f"csrfmiddlewaretoken={token[1]}&username=scale-check&password={self.password}"
        signed_in = fetch(one, "/accounts/login/", method="POST", cookie=csrf, body=body)
        session = signed_in.cookies.get(settings.SESSION_COOKIE_NAME, "")
        cookie = f"{session_cookie(session)}; {csrf}"
        dashboard = fetch(two, "/journal/", cookie=cookie)
        form = fetch(one, "/journal/checkins/new/", cookie=cookie)
        token = CSRF_INPUT.search(form.body)
        assert token is not None  # noqa: S101 - the check-in form has one
        posted = fetch(
            two,
            "/journal/checkins/new/",
            method="POST",
            cookie=cookie,
            body=f"csrfmiddlewaretoken={token[1]}&trust=6&communication=3&connection=4",
        )
        where = posted.headers.get("Location", "")
        read_back = fetch(one, where, cookie=cookie) if where else None
        self.check(
            "one session, both servers",
            signed_in.status == 302
            and bool(session)
            and dashboard.status == 200
            and posted.status == 302
            and read_back is not None
            and read_back.status == 200,
            f"signed in on :{one} ({signed_in.status} to {signed_in.headers.get('Location')}); "
            f"dashboard on :{two} {dashboard.status}; check-in form from :{one} posted on :{two} "
            f"{posted.status} to {where or '-'}; read back on :{one} "
            f"{read_back.status if read_back else '-'}",
        )
        logout = fetch(
            two,
            "/accounts/logout/",
            method="POST",
            cookie=cookie,
            body=f"csrfmiddlewaretoken={token[1]}",
        )
        after = fetch(one, "/journal/", cookie=cookie)
        self.check(
            "signed out on one, signed out on both",
            logout.status == 302
            and after.status == 302
            and "/accounts/login/" in after.headers.get("Location", ""),
            f"sign-out on :{two} {logout.status}; the old cookie on :{one} {after.status} to "
            f"{after.headers.get('Location')}",
        )

    def guess_limit(self) -> None:
        """Share-link misses from one client, spread over both servers, count together."""
        from journal.sharing.links import GUESS_LIMIT

        misses = [self.miss(GUESSER) for _ in range(GUESS_LIMIT)]
        blocked = [self.miss(GUESSER) for _ in range(4)]
        answered_by = {upstream(r) for r in misses}
        self.check(
            f"share-guess limit ({GUESS_LIMIT} misses) shared by both servers",
            all(r.status == 404 for r in misses)
            and all(r.status == 429 for r in blocked)
            and {upstream(r) for r in blocked} == answered_by
            and len(answered_by) == 2,
            f"client {GUESSER}: misses {statuses(misses)}; then {statuses(blocked)}",
        )
        forged = self.miss(GUESSER, **{"X-Forwarded-For": "198.51.100.7"})
        neighbour = self.miss(NEIGHBOUR)
        real = [self.cluster.via_nginx(self.seeded.share_url, source=GUESSER) for _ in range(2)]
        self.check(
            "the client address is the one nginx appends",
            forged.status == 429 and neighbour.status == 404,
            f"a forged X-Forwarded-For from {GUESSER}: {forged.status}; a miss from "
            f"{NEIGHBOUR}: {neighbour.status}",
        )
        self.check(
            "the real link still opens for the blocked client",
            all(r.status == 200 for r in real),
            statuses(real),
        )

    def content_reload(self) -> None:
        """`sync_guides` on one side; the lesson page changes on both servers in time."""
        from django.conf import settings

        recheck = float(settings.COURSE_RECHECK_SECONDS)
        stage, slug = self.seeded.lesson_url.strip("/").split("/")[-2:]
        content = self.cluster.tmp / "content"
        shutil.copytree(ROOT / "guides" / "content", content)
        lesson = next(
            p
            for p in (content / stage).glob("*.md")
            if re.search(rf"^slug: {slug}$", p.read_text(), re.M)
        )
        marker = f"revised {secrets.token_hex(3)}"
        lesson.write_text(
            re.sub(
                r"^title: (.*)$", rf"title: \1 ({marker})", lesson.read_text(), count=1, flags=re.M
            )
        )
        url = self.seeded.lesson_url
        for port in self.cluster.app_ports * 3:  # every worker has the page cached
            fetch(port, url)
        subprocess.run(  # noqa: S603 - fixed argument list
            [sys.executable, "manage.py", "sync_guides", "--path", str(content)],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
        )
        done = time.monotonic()
        seen: dict[int, float] = {}
        while time.monotonic() < done + recheck + 1 and len(seen) < 2:
            for port in self.cluster.app_ports:
                if port not in seen and marker in fetch(port, url).body:
                    seen[port] = time.monotonic() - done
            time.sleep(0.05)
        time.sleep(max(0.0, done + recheck - time.monotonic()))
        after = [marker in fetch(port, url).body for port in self.cluster.app_ports * 4]
        self.check(
            f"a content reload seen by both within COURSE_RECHECK_SECONDS ({recheck:g} s)",
            len(seen) == 2 and max(seen.values()) <= recheck + 0.5 and all(after),
            "`sync_guides` in a process of its own; the new title on "
            + ", ".join(
                f":{p} after {seen[p]:.2f} s" if p in seen else f":{p} never"
                for p in self.cluster.app_ports
            )
            + f"; {sum(after)}/{len(after)} requests after {recheck:g} s show it",
        )

    def load(self, kill: bool) -> None:
        from bench.traffic import Writers, mixed_load, session_cookie, traffic_line, writes_line

        reads = [
            {"path": self.seeded.lesson_url, "cookie": ""},
            {"path": self.seeded.share_url, "cookie": ""},
        ]
        for _pk, session in self.seeded.readers[:6]:
            for path in ("/journal/", "/journal/insights/", "/guides/"):
                reads.append({"path": path, "cookie": session_cookie(session)})
        writers = Writers(self.cluster.nginx_port, self.seeded.readers)
        duration = self.duration
        victim = self.cluster.apps[1]

        def kill_one() -> None:
            time.sleep(duration / 3)
            victim.stop(signal.SIGKILL)

        reads_result, writes_result, writes = mixed_load(
            self.cluster.nginx_port,
            reads,
            writers,
            duration=duration,
            connections=4 * WRITE_CONNECTIONS,
            during=kill_one if kill else None,
        )
        say(f"    {traffic_line('reads', reads_result)}")
        say(f"    {traffic_line('writes', writes_result)}")
        lost = writes["acknowledged"] - writes["found"]
        acked = writes["acknowledged"] > 0 and lost == 0
        if not kill:
            self.check(
                "load through nginx, every acknowledged write found",
                acked
                and reads_result["errors"] == writes_result["errors"] == writes["rejected"] == 0,
                writes_line(writes),
            )
            return
        bad_gateway = writes_result["statuses"].get("502", 0)
        self.check(
            f"app-2 (:{victim.port}) killed (SIGKILL) {duration / 3:.0f} s into the load; "
            "no acknowledged write lost",
            # Only a POST in flight on app-2 may fail: at most one per write connection.
            acked
            and reads_result["errors"] == 0
            and writes["rejected"] == bad_gateway == writes_result["errors"] <= WRITE_CONNECTIONS,
            f"{writes_line(writes)}. GETs that were on app-2 were retried on app-1 by nginx; "
            f"{bad_gateway} POSTs in flight on app-2 got 502 (nginx does not retry a POST that "
            "reached a server, which may have applied it)",
        )
        victim.start()
        deadline, answered = time.monotonic() + 15, set[str]()
        while time.monotonic() < deadline and len(answered) < 2:
            answered.add(upstream(self.cluster.via_nginx("/healthz")))
            time.sleep(0.2)
        self.check(
            "app-2 started again and back in rotation",
            len(answered) == 2,
            f"nginx sent requests to :{' and :'.join(sorted(answered))}",
        )

    def redis_outage(self) -> None:
        import redis

        from bench.traffic import session_cookie
        from journal.sharing.links import GUESS_LIMIT

        reader = session_cookie(self.seeded.readers[0][1])
        self.cluster.redis.stop()
        started = time.monotonic()
        down = {
            "lesson": [self.cluster.via_nginx(self.seeded.lesson_url) for _ in range(6)],
            "dashboard": [self.cluster.via_nginx("/journal/", cookie=reader) for _ in range(4)],
            "guesses": [self.miss(OUTAGE_GUESSER) for _ in range(GUESS_LIMIT + 5)],
            "real link": [self.cluster.via_nginx(self.seeded.share_url) for _ in range(2)],
        }
        took = (time.monotonic() - started) / sum(len(r) for r in down.values())
        warnings = self.cluster.app_log(r"not counted, cache unavailable")
        all_replies = [r for replies in down.values() for r in replies]
        self.check(
            "Redis stopped: the app degrades, no 500s",
            all(r.status == 200 for r in down["lesson"] + down["dashboard"] + down["real link"])
            and all(r.status == 404 for r in down["guesses"])
            and not any(r.status >= 500 for r in all_replies),
            "; ".join(f"{k} {statuses(v)}" for k, v in down.items())
            + f"; {1000 * took:.0f} ms a request on average; limits fail open as "
            f"trustrepair/limits.py documents ({GUESS_LIMIT + 5} misses, no 429; {warnings} "
            "'not counted, cache unavailable' warnings in the app logs)",
        )
        self.cluster.redis.start()
        lessons = [self.cluster.via_nginx(self.seeded.lesson_url) for _ in range(4)]
        misses = [self.miss(LATER_GUESSER) for _ in range(GUESS_LIMIT + 2)]
        keys = redis.Redis(port=self.cluster.redis_port).keys("*")
        cached = sum(b"lesson-page" in key for key in keys)
        limited = sum(b"limit:share-guess" in key for key in keys)
        self.check(
            "Redis back: limits and the lesson cache work again, no app restart",
            all(r.status == 200 for r in lessons)
            and [r.status for r in misses] == [404] * GUESS_LIMIT + [429, 429]
            and cached > 0
            and limited > 0,
            f"lesson {statuses(lessons)}; {GUESS_LIMIT + 2} misses from {LATER_GUESSER}: "
            f"{statuses(misses)}; in Redis now: {cached} lesson page(s), {limited} limit "
            "counter(s)",
        )
