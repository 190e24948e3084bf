"""Processes the benchmark starts and must always stop: databases, gunicorn, wrk.

Everything here is plain Python (no Django import): each database gets its own
environment, and the Django-side steps run in subprocesses (bench/tasks.py).
"""

import base64
import http.client
import json
import os
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA = BENCH / ".data"
RESULTS = BENCH / "results"
LUA = BENCH / "lua"
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
BENCH_DATABASE = "trustrepair_bench"

# Chosen with --compare-workers on this 2-core machine (README, "Benchmark"): three
# sync workers. They use both cores on every page, because each request is a new
# connection that goes to whichever worker is free. gthread workers keep a client's
# connection on one worker, so with keep-alive the load split unevenly between two
# workers and heavy pages got half the throughput, at more CPU per request (four
# threads contending for each worker's GIL). Sync workers need a buffering proxy
# such as nginx in front of them in production, which is gunicorn's advice anyway.
GUNICORN_ARGS = ["--workers", "3"]


class BenchError(Exception):
    """A step failed; the message says which and how."""


def run(cmd: list[str], env: dict[str, str], what: str, timeout: float = 900) -> str:
    result = subprocess.run(  # noqa: S603 - fixed argument lists, no shell
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        raise BenchError(f"{what} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return result.stdout


def fernet_key() -> str:
    # A Fernet key is 32 random bytes, url-safe base64: the same as Fernet.generate_key().
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


@dataclass
class Database:
    """One database the benchmark runs against, and the environment that selects it."""

    label: str
    url: str
    admin_url: str = ""
    env: dict[str, str] = field(default_factory=dict)

    @property
    def is_postgres(self) -> bool:
        return self.url.startswith(("postgres://", "postgresql://"))


def production_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "PLAIN_STATIC"}}
    env.update(
        DJANGO_SETTINGS_MODULE="trustrepair.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        FIELD_ENCRYPTION_KEYS=fernet_key(),
        ALLOWED_HOSTS="127.0.0.1",
        # Plain HTTP on loopback: no TLS terminator in front of gunicorn here.
        HTTPS="0",
        LOG_LEVEL="WARNING",
        DATABASE_URL=database_url,
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def sqlite_database() -> Database:
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / "bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    return Database("SQLite", url, env=production_env(url))


def postgres_database(server_url: str) -> Database:
    """A separate database on the same server, so the bench never touches real data."""
    parts = urlsplit(server_url)
    url = urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))
    admin = urlunsplit(parts._replace(path="/postgres"))
    database = Database("PostgreSQL", url, admin_url=admin, env=production_env(url))
    recreate_postgres(database)
    return database


def recreate_postgres(database: Database) -> None:
    import psycopg

    with psycopg.connect(database.admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')


def drop_postgres(database: Database) -> None:
    import psycopg

    with psycopg.connect(database.admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')


def manage(database: Database, *args: str) -> str:
    return run([PYTHON, "manage.py", *args], database.env, f"manage.py {' '.join(args)}")


def task(database: Database, *args: str, timeout: float = 900) -> str:
    return run([PYTHON, str(BENCH / "tasks.py"), *args], database.env, f"tasks {args[0]}", timeout)


def prepare(database: Database, say: Any) -> dict[str, Any]:
    """Migrate, collect static files, load the course and seed; returns the seed summary."""
    started = time.perf_counter()
    manage(database, "migrate", "--noinput")
    manage(database, "collectstatic", "--noinput")
    notes = []
    try:
        manage(database, "sync_guides")
    except BenchError as exc:
        if "Unknown command" not in str(exc):
            raise
        notes.append("sync_guides does not exist yet: loaded with guides.loader.sync()")
        task(database, "load-guides")
    out = DATA / f"seed-{database.label.lower()}.json"
    task(database, "seed", str(out))
    seeded = json.loads(out.read_text())
    seeded["notes"] = notes + seeded["notes"]
    say(
        f"{database.label}: migrated, collected, seeded in {time.perf_counter() - started:.0f} s "
        f"({', '.join(f'{k} {v}' for k, v in seeded['counts'].items())})"
    )
    for note in seeded["notes"]:
        say(f"  note: {note}")
    return seeded


def busy_seconds() -> float:
    """CPU time spent by everything on the machine (all cores), from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    # user nice system idle iowait irq softirq steal: all but idle and iowait.
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def children_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def process_seconds(*, group: int | None = None, command: str | None = None) -> float:
    """CPU time of the live processes in a process group or with a command name, plus
    what they have reaped (PostgreSQL's ended backends are counted by the postmaster)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, _, rest = stat.read_text().rpartition(")")
        except OSError:
            continue
        fields = rest.split()
        # After "(comm)": state ppid pgrp ...; utime stime cutime cstime are 12th-15th.
        if (group is not None and int(fields[2]) == group) or (
            command is not None and head.partition("(")[2] == command
        ):
            ticks += sum(int(value) for value in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


class OtherLoad:
    """CPU used meanwhile by the database server, and by everything that is neither
    gunicorn, wrk nor the database: the test suites and browsers of a shared machine,
    which lower requests/s."""

    def __init__(self, server: "Gunicorn") -> None:
        self.server = server
        self.start = self.sample()

    def sample(self) -> tuple[float, ...]:
        return (
            time.monotonic(),
            busy_seconds(),
            self.server.cpu_seconds(),
            children_seconds(),
            process_seconds(command="postgres"),
        )

    def measure(self) -> dict[str, float]:
        wall, busy, ours, children, database = (
            end - start for end, start in zip(self.sample(), self.start, strict=True)
        )
        others = busy - ours - children - database
        cores = wall * (os.cpu_count() or 1)
        return {
            "others_cpu_share": max(0.0, others / cores) if wall else 0.0,
            "database_cpu_seconds": database,
        }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn in its own process group, so stopping it stops every worker too."""

    def __init__(self, database: Database, args: list[str]) -> None:
        self.database = database
        self.args = args
        self.port = free_port()
        self.log = DATA / f"gunicorn-{database.label.lower()}.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Gunicorn":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        cmd = [
            GUNICORN,
            "trustrepair.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--log-level",
            "warning",
            *self.args,
        ]
        log = self.log.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - fixed argument list
            cmd, cwd=ROOT, env=self.database.env, stdout=log, stderr=log, start_new_session=True
        )
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn exited at start; see {self.log}")
            try:
                if fetch(self.port, "/healthz").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise BenchError(f"gunicorn did not answer /healthz within 60 s; see {self.log}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass

    def cpu_seconds(self) -> float:
        """CPU time used so far by gunicorn and its workers (the whole process group).

        Unlike requests/s, CPU per request hardly changes when other programs
        compete for the cores, so it stays comparable on a busy machine.
        """
        return 0.0 if self.process is None else process_seconds(group=self.process.pid)

    def log_tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    cookies: dict[str, str]
    body: str


def fetch(
    port: int,
    path: str,
    *,
    method: str = "GET",
    cookie: str = "",
    body: str = "",
    timeout: float = 10,
) -> Reply:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Host": f"127.0.0.1:{port}"}
    if cookie:
        headers["Cookie"] = cookie
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        cookies = {}
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                cookies[key.strip()] = rest.split(";", 1)[0]
        return Reply(response.status, dict(response.getheaders()), cookies, text)
    finally:
        conn.close()


WRK_JSON = re.compile(r"^BENCH_JSON (.*)$", re.MULTILINE)


def lua_value(value: Any) -> str:
    """Python data as a Lua literal (strings, numbers, lists, dicts)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string literal is a valid Lua string literal
    if isinstance(value, list | tuple):
        return "{" + ", ".join(lua_value(item) for item in value) + "}"
    if isinstance(value, dict):
        return (
            "{" + ", ".join(f"[{json.dumps(k)}] = {lua_value(v)}" for k, v in value.items()) + "}"
        )
    raise TypeError(type(value))


def wrk_script(name: str, params: dict[str, Any], parts: tuple[str, ...]) -> Path:
    DATA.mkdir(parents=True, exist_ok=True)
    script = DATA / f"wrk-{name}.lua"
    header = "".join(f"{key} = {lua_value(value)}\n" for key, value in params.items())
    body = "\n".join((LUA / part).read_text() for part in parts)
    script.write_text(header + "\n" + body)
    return script


class Wrk:
    """One wrk process; several can run at once (reads and writes side by side)."""

    def __init__(
        self,
        url: str,
        *,
        name: str,
        duration: float,
        threads: int,
        connections: int,
        headers: list[str] | None = None,
        params: dict[str, Any] | None = None,
        parts: tuple[str, ...] = ("report.lua",),
    ) -> None:
        wrk = shutil.which("wrk")
        if wrk is None:
            raise BenchError("wrk is not installed: apt-get install wrk")
        params = {"out_dir": str(DATA), "run_name": name, "nthreads": threads, **(params or {})}
        script = wrk_script(name, params, parts)
        self.duration = duration
        self.cmd = [
            wrk,
            "--threads",
            str(threads),
            "--connections",
            str(connections),
            "--duration",
            f"{max(1, round(duration))}s",
            # Long enough that a slow page under load is measured rather than dropped.
            "--timeout",
            "5s",
            "--latency",
            "--script",
            str(script),
        ]
        for header in headers or []:
            self.cmd += ["--header", header]
        self.cmd.append(url)
        self.process: subprocess.Popen | None = None

    def start(self) -> "Wrk":
        self.process = subprocess.Popen(  # noqa: S603 - fixed argument list
            self.cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def result(self) -> dict[str, Any]:
        assert self.process is not None  # noqa: S101 - start() comes first
        try:
            stdout, stderr = self.process.communicate(timeout=self.duration + 60)
        finally:
            self.stop()
        match = WRK_JSON.search(stdout)
        if self.process.returncode != 0 or match is None:
            raise BenchError(
                f"wrk failed ({self.process.returncode}): {stderr.strip() or stdout[-2000:]}"
            )
        result = json.loads(match.group(1))
        if result["writes_sent"]:
            # A write-only run: every answer is to a write, so what is not an
            # acknowledgement is a rejection, and what got no answer was in flight.
            answered = sum(result["statuses"].values())
            result["writes_rejected"] = answered - result["writes_acked"]
            result["writes_unanswered"] = result["writes_sent"] - answered
        return result


def run_wrk(url: str, **options: Any) -> dict[str, Any]:
    return Wrk(url, **options).start().result()


def machine_load() -> str:
    """The load average, because other work on these 2 cores skews every number."""
    one, five, _ = os.getloadavg()
    busy = "; the machine is busy, expect lower and noisier numbers" if one > 1.0 else ""
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min){busy}"
