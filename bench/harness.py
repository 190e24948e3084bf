"""What the benchmark and the scale check start and must always stop, and how they measure.

No Django here: server processes (gunicorn; Redis and nginx for the scale check),
PostgreSQL databases, HTTP requests and CPU accounting. wrk has bench/wrk.py.
"""

import base64
import http.client
import os
import resource
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


class BenchError(Exception):
    """A step failed; the message says which and how."""


def say(message: str = "") -> None:
    print(message, flush=True)


def trap_signals() -> None:
    """Ctrl-C, SIGTERM and SIGHUP all leave through KeyboardInterrupt, so every
    `finally` runs and nothing started here is left behind."""

    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def stop(signum: int, frame: object) -> None:
        # Once: a second Ctrl-C must not interrupt the cleanup the first one started.
        for each in signals:
            signal.signal(each, signal.SIG_IGN)
        raise KeyboardInterrupt

    # Started in the background, SIGINT may arrive ignored; Ctrl-C must still stop us.
    for each in signals:
        signal.signal(each, stop)


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    """DEBUG off with fresh keys, as production runs; plain HTTP on loopback."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "PLAIN_STATIC", "CACHE_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="trustrepair.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        # A Fernet key: 32 random bytes, url-safe base64.
        FIELD_ENCRYPTION_KEYS=base64.urlsafe_b64encode(os.urandom(32)).decode(),
        ALLOWED_HOSTS="127.0.0.1",
        HTTPS="0",
        LOG_LEVEL="WARNING",
        DATABASE_URL=database_url,
        PYTHONDONTWRITEBYTECODE="1",
        **extra,
    )
    return env


class Postgres:
    """A database of its own on the server of `server_url`, created now, dropped by drop()."""

    def __init__(self, server_url: str, name: str) -> None:
        import psycopg

        parts = urlsplit(server_url)
        self.name = name
        self.url = urlunsplit(parts._replace(path=f"/{name}"))
        self.admin = urlunsplit(parts._replace(path="/postgres"))
        self.host, self.port = parts.hostname or "127.0.0.1", str(parts.port or 5432)
        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


TICK = os.sysconf("SC_CLK_TCK")


def process_ticks(proc: Path) -> tuple[str, list[int]]:
    """A process's command name, and after it: state, ppid, pgrp, ... (see proc(5))."""
    head, _, rest = (proc / "stat").read_text().rpartition(")")
    return head.partition("(")[2], [int(f) if f.lstrip("-").isdigit() else 0 for f in rest.split()]


def group_seconds(group: int) -> float:
    """CPU time of a process group's live processes and of the children they reaped."""
    ticks = 0
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            _name, fields = process_ticks(proc)
        except OSError:
            continue
        if fields[2] == group:  # utime stime cutime cstime are the 12th to 15th fields
            ticks += sum(fields[11:15])
    return ticks / TICK


def backend_ticks(database: str) -> dict[int, int]:
    """CPU ticks of each live PostgreSQL backend serving `database` (its command line
    names the database)."""
    ticks = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            name, fields = process_ticks(proc)
            if name == "postgres" and f" {database} " in (proc / "cmdline").read_text():
                ticks[int(proc.name)] = fields[11] + fields[12]
        except OSError:
            continue
    return ticks


def busy_seconds() -> float:
    """CPU time spent by everything on the machine (all cores), from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    # user nice system idle iowait irq softirq steal: all but idle and iowait.
    return (sum(fields[:8]) - fields[3] - fields[4]) / TICK


class OtherLoad:
    """CPU used meanwhile by the PostgreSQL backends of the benchmark's database, and by
    whatever is none of gunicorn, wrk and those: the test suites and browsers of a shared
    machine, which lower requests/s.

    Backends are looked at four times a second: one that ends mid-run (CONN_MAX_AGE)
    takes its CPU time with it, so its last reading is kept."""

    def __init__(self, server: "Gunicorn") -> None:
        self.server = server
        url = server.env["DATABASE_URL"]
        self.database = url.rsplit("/", 1)[-1] if url.startswith("postgres") else ""
        self.first = self.last = backend_ticks(self.database) if self.database else {}
        self.halt = threading.Event()
        self.watcher = threading.Thread(target=self.watch, daemon=True)
        if self.database:
            self.watcher.start()
        self.start = self.sample()

    def watch(self) -> None:
        while not self.halt.wait(0.25):
            self.last = {**self.last, **backend_ticks(self.database)}

    def sample(self) -> tuple[float, ...]:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (
            time.monotonic(),
            busy_seconds(),
            self.server.cpu_seconds(),
            children.ru_utime + children.ru_stime,  # wrk, once reaped
        )

    def measure(self) -> dict[str, float]:
        wall, busy, ours, wrk = (
            end - start for end, start in zip(self.sample(), self.start, strict=True)
        )
        if self.database:
            self.halt.set()
            self.watcher.join()
            self.last = {**self.last, **backend_ticks(self.database)}
        database = sum(t - self.first.get(pid, 0) for pid, t in self.last.items()) / TICK
        cores = wall * (os.cpu_count() or 1)
        return {
            "others_share": max(0.0, (busy - ours - wrk - database) / cores),
            "database_seconds": database,
        }


def machine_load() -> str:
    one, five, _ = os.getloadavg()
    busy = "; the machine is busy, expect lower and noisier numbers" if one > 1.0 else ""
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min){busy}"


def wait_idle(seconds: float) -> None:
    """On a shared machine, other work on the cores would be measured too."""
    deadline = time.monotonic() + seconds
    if seconds and os.getloadavg()[0] >= 1.0:
        say(f"  waiting up to {seconds:.0f} s for the machine to go quiet ({machine_load()})")
    while time.monotonic() < deadline and os.getloadavg()[0] >= 1.0:
        time.sleep(5)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
    headers: dict[str, str] | None = None,
    source: str = "",
    timeout: float = 10,
) -> Reply:
    """One request to 127.0.0.1:port; `source` picks the loopback address it comes from."""
    conn = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=timeout, source_address=(source, 0) if source else None
    )
    sent = {"Host": "127.0.0.1", **(headers or {})}
    if cookie:
        sent["Cookie"] = cookie
    if body:
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body or None, headers=sent)
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


class Daemon:
    """A server in its own process group, so that stopping it stops its children too.
    start() returns once `ready` says it answers."""

    def __init__(
        self,
        name: str,
        cmd: list[str],
        log: Path,
        ready: Callable[[], bool],
        *,
        env: dict[str, str] | None = None,
        within: float = 20,
    ) -> None:
        self.name, self.cmd, self.log, self.ready = name, cmd, log, ready
        self.env, self.within = env, within
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed argument list
                self.cmd, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True
            )
        deadline = time.monotonic() + self.within
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"{self.name} exited at start; see {self.log}:\n{self.log_tail()}")
            with suppress(OSError):
                if self.ready():
                    return
            time.sleep(0.1)
        raise BenchError(f"{self.name} did not answer within {self.within:g} s; see {self.log}")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass

    def log_tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


class Gunicorn(Daemon):
    """The app under gunicorn, ready once /healthz answers."""

    env: dict[str, str]

    def __init__(
        self, env: dict[str, str], args: list[str], *, port: int = 0, name: str = "gunicorn"
    ) -> None:
        self.port = port or free_port()
        cmd = [GUNICORN, "trustrepair.wsgi", "--bind", f"127.0.0.1:{self.port}", *args]
        super().__init__(name, cmd, DATA / f"{name}.log", self.answers, env=env, within=60)

    def answers(self) -> bool:
        return fetch(self.port, "/healthz").status == 200

    def __enter__(self) -> "Gunicorn":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def cpu_seconds(self) -> float:
        """CPU time used so far by gunicorn and its workers. Unlike requests/s, CPU per
        request hardly changes when other programs compete for the cores."""
        return 0.0 if self.process is None else group_seconds(self.process.pid)
