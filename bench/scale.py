"""`make scale-check`: two app servers behind nginx, one PostgreSQL, one Redis, on loopback.

    python bench/scale.py                  # free ports; DATABASE_URL names the server
    python bench/scale.py --ports 8280     # nginx 8280, app servers 8281-8282, Redis 8283

Needs Debian's redis-server, nginx and wrk, and a PostgreSQL server (DATABASE_URL, by
default postgres://postgres@127.0.0.1:5432/postgres), on which it creates a database
of its own and drops it at the end. Everything it starts (Redis, nginx, gunicorn) is
stopped on the way out, also on Ctrl-C. It prints each check; exit status 1 if any failed.
"""

import argparse
import io
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    DATA,
    ROOT,
    BenchError,
    Gunicorn,
    Postgres,
    Reply,
    fetch,
    free_port,
    production_env,
    say,
    trap_signals,
)

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
NGINX_CONF = """\
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream app {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://app;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            # A server that refuses or drops the connection: try the other one. nginx never
            # retries a POST that reached a server, which may have applied it.
            proxy_next_upstream error timeout;
            proxy_connect_timeout 1s;
            # Only for this check, to see which server answered; never in production.
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


class Daemon:
    """A server process in its own process group, stopped by stop() or on the way out."""

    def __init__(self, name: str, cmd: list[str], log: Path) -> None:
        self.name, self.cmd, self.log = name, cmd, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed argument list
                self.cmd, stdout=log, stderr=log, start_new_session=True
            )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def wait_for(self, ready: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            assert self.process is not None  # noqa: S101 - start() comes first
            if self.process.poll() is not None:
                raise BenchError(f"{self.name} exited at start: {self.log.read_text()[-1500:]}")
            try:
                if ready():
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise BenchError(f"{self.name} did not {what} within 20 s; see {self.log}")


def redis_ping(port: int) -> bool:
    import redis

    try:
        return bool(redis.Redis(port=port, socket_timeout=1).ping())
    except redis.RedisError:
        return False


class Check:
    """Prints each result as it comes; remembers whether all passed."""

    def __init__(self) -> None:
        self.failed: list[str] = []
        self.count = 0

    def __call__(self, name: str, passed: bool, detail: str) -> bool:
        self.count += 1
        say(f"  [{'PASS' if passed else 'FAIL'}] {name}: {detail}")
        if not passed:
            self.failed.append(name)
        return passed


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


class ScaleCheck:
    def __init__(self, args: argparse.Namespace, stack: ExitStack) -> None:
        self.args, self.stack, self.check = args, stack, Check()
        base = args.ports
        self.nginx_port = base or free_port()
        self.app_ports = [base + 1, base + 2] if base else [free_port(), free_port()]
        self.redis_port = base + 3 if base else free_port()
        self.tmp = Path(tempfile.mkdtemp(prefix="trustrepair-scale-"))
        stack.callback(shutil.rmtree, self.tmp, ignore_errors=True)
        # nginx's workers drop root and must still reach their temp folders in here.
        self.tmp.chmod(0o755)

    def start(self) -> None:
        server = os.environ.get("DATABASE_URL", "")
        if not server.startswith("postgres"):
            server = "postgres://postgres@127.0.0.1:5432/postgres"
        database = Postgres(server, self.args.pg_database)
        self.stack.callback(database.drop)
        self.redis = Daemon(
            "redis-server",
            [
                shutil.which("redis-server") or "redis-server",
                *("--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", ""),
                *("--appendonly", "no", "--dir", str(self.tmp)),
            ],
            self.tmp / "redis.log",
        )
        self.start_redis()
        self.stack.callback(self.redis.stop)
        self.env = production_env(
            database.url,
            CACHE_URL=f"redis://127.0.0.1:{self.redis_port}/0",
            TRUSTED_PROXIES="1",
        )
        os.environ.update(self.env)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        from bench.seed import seed

        self.stack.callback(connections.close_all)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("sync_guides", stdout=io.StringIO())
        self.seeded: Seeded = seed(readers=12, heavy=False)
        self.password = secrets.token_urlsafe(16)
        from trustrepair.models import User

        User.objects.create_user(username="scale-check", password=self.password)
        connections.close_all()
        self.apps = []
        for n, port in enumerate(self.app_ports, 1):
            (DATA / f"app-{n}.log").unlink(missing_ok=True)
            app = Gunicorn(self.env, ["--workers", "2"], port=port, name=f"app-{n}")
            self.stack.callback(app.stop)
            app.start()
            self.apps.append(app)
        conf = self.tmp / "nginx.conf"
        servers = "\n".join(
            f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;" for p in self.app_ports
        )
        conf.write_text(NGINX_CONF.format(tmp=self.tmp, port=self.nginx_port, servers=servers))
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.nginx = Daemon(
            "nginx",
            [nginx, "-p", str(self.tmp), "-c", str(conf), "-e", str(self.tmp / "nginx-error.log")],
            self.tmp / "nginx.out",
        )
        self.nginx.start()
        self.stack.callback(self.nginx.stop)
        self.nginx.wait_for(lambda: fetch(self.nginx_port, "/healthz").status == 200, "answer")
        versions = subprocess.run(  # noqa: S603
            [nginx, "-v"], capture_output=True, text=True, check=False
        ).stderr.strip()
        say(
            f"nginx on 127.0.0.1:{self.nginx_port} ({versions}) -> app servers "
            f"{', '.join(f'127.0.0.1:{p}' for p in self.app_ports)} (gunicorn, 2 workers each) "
            f"-> PostgreSQL database {database.name}; Redis on 127.0.0.1:{self.redis_port}; "
            f"CACHE_URL and TRUSTED_PROXIES=1 set on both"
        )

    def start_redis(self) -> None:
        self.redis.start()
        self.redis.wait_for(lambda: redis_ping(self.redis_port), "answer PING")

    def via_nginx(self, path: str, **options: object) -> Reply:
        return fetch(self.nginx_port, path, **options)  # type: ignore[arg-type]

    def app_log(self, pattern: str) -> int:
        return sum(
            len(re.findall(pattern, app.log.read_text(errors="replace"))) for app in self.apps
        )

    # The checks, in order.

    def session(self) -> None:
        """Sign in on app-1, keep working on app-2: sessions live in PostgreSQL."""
        from django.conf import settings

        from bench.traffic import CSRF_INPUT, session_cookie

        one, two = self.app_ports
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

        def miss(source: str, **headers: str) -> Reply:
            return self.via_nginx(
                f"/s/{secrets.token_urlsafe(32)}/", source=source, headers=headers
            )

        misses = [miss(GUESSER) for _ in range(GUESS_LIMIT)]
        blocked = [miss(GUESSER) for _ in range(4)]
        answered_by = {upstream(r) for r in misses}
        self.check(
            f"share-guess limit ({GUESS_LIMIT} misses) shared by both servers",
            all(r.status == 404 for r in misses)
            and all(r.status == 429 for r in blocked)
            and {upstream(r) for r in blocked} == answered_by
            and len(answered_by) == 2,
            f"client {GUESSER}: misses {statuses(misses)}; then {statuses(blocked)}",
        )
        forged = miss(GUESSER, **{"X-Forwarded-For": "198.51.100.7"})
        neighbour = miss(NEIGHBOUR)
        real = [self.via_nginx(self.seeded.share_url, source=GUESSER) for _ in range(2)]
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
        content = self.tmp / "content"
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
        for port in self.app_ports * 3:  # every worker has the page cached
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
            for port in self.app_ports:
                if port not in seen and marker in fetch(port, url).body:
                    seen[port] = time.monotonic() - done
            time.sleep(0.05)
        time.sleep(max(0.0, done + recheck - time.monotonic()))
        after = [marker in fetch(port, url).body for port in self.app_ports * 4]
        self.check(
            f"a content reload seen by both within COURSE_RECHECK_SECONDS ({recheck:g} s)",
            len(seen) == 2 and max(seen.values()) <= recheck + 0.5 and all(after),
            "`sync_guides` in a process of its own; the new title on "
            + ", ".join(
                f":{p} after {seen[p]:.2f} s" if p in seen else f":{p} never"
                for p in self.app_ports
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
        writers = Writers(self.nginx_port, self.seeded.readers)
        duration = self.args.duration
        victim = self.apps[1]

        def kill_one() -> None:
            time.sleep(duration / 3)
            assert victim.process is not None  # noqa: S101 - started
            os.killpg(victim.process.pid, signal.SIGKILL)
            victim.process.wait()

        reads_result, writes_result, writes = mixed_load(
            self.nginx_port,
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
            f"app-2 (:{self.app_ports[1]}) killed (SIGKILL) {duration / 3:.0f} s into the load; "
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
            answered.add(upstream(self.via_nginx("/healthz")))
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
        self.redis.stop()
        started = time.monotonic()
        down = {
            "lesson": [self.via_nginx(self.seeded.lesson_url) for _ in range(6)],
            "dashboard": [self.via_nginx("/journal/", cookie=reader) for _ in range(4)],
            "guesses": [
                self.via_nginx(f"/s/{secrets.token_urlsafe(32)}/", source=OUTAGE_GUESSER)
                for _ in range(GUESS_LIMIT + 5)
            ],
            "real link": [self.via_nginx(self.seeded.share_url) for _ in range(2)],
        }
        took = (time.monotonic() - started) / sum(len(r) for r in down.values())
        warnings = self.app_log(r"not counted, cache unavailable")
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
        self.start_redis()
        lessons = [self.via_nginx(self.seeded.lesson_url) for _ in range(4)]
        misses = [
            self.via_nginx(f"/s/{secrets.token_urlsafe(32)}/", source=LATER_GUESSER)
            for _ in range(GUESS_LIMIT + 2)
        ]
        keys = redis.Redis(port=self.redis_port).keys("*")
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

    def run(self) -> bool:
        self.start()
        say("Checks:")
        self.session()
        self.guess_limit()
        self.content_reload()
        say(
            f"  load through nginx, {self.args.duration:.0f} s, {3 * WRITE_CONNECTIONS} connections"
            f" reading and {WRITE_CONNECTIONS} posting check-ins:"
        )
        self.load(kill=False)
        say("  the same load, one app server killed a third of the way in:")
        self.load(kill=True)
        self.redis_outage()
        errors = self.app_log(r"unhandled \w+")
        self.check(
            "no unhandled exception in either app server's log", errors == 0, f"{errors} found"
        )
        return not self.check.failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--ports", type=int, default=0, help="nginx on this port, apps and Redis on the next three"
    )
    parser.add_argument("--duration", type=float, default=15, help="seconds of each load (15)")
    parser.add_argument("--pg-database", default="trustrepair_scale_check")
    args = parser.parse_args()
    missing = [
        name
        for name in ("redis-server", "nginx", "wrk")
        if not shutil.which(name) and not Path(f"/usr/sbin/{name}").exists()
    ]
    if missing:
        say(f"scale check needs {', '.join(missing)}: apt-get install redis-server nginx wrk")
        return 2
    trap_signals()
    with ExitStack() as stack:
        try:
            check = ScaleCheck(args, stack)
            passed = check.run()
        except KeyboardInterrupt:
            say("\nInterrupted: stopping everything the scale check started.")
            return 130
        except BenchError as exc:
            say(f"\nscale check failed: {exc}")
            return 1
        finally:
            say("Stopping nginx, the app servers and Redis; dropping the database.")
    failed = check.check.failed
    say(f"scale check: all {check.check.count} checks passed" if passed else f"FAILED: {failed}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
