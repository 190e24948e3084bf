"""What the benchmark and the scale check start and must always stop, and how they measure.

No Django here: gunicorn, wrk, PostgreSQL databases, HTTP requests and CPU accounting.
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
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
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


class Gunicorn:
    """gunicorn in its own process group, so stopping it stops every worker too."""

    def __init__(
        self, env: dict[str, str], args: list[str], *, port: int = 0, name: str = "gunicorn"
    ) -> None:
        self.env, self.args, self.name = env, args, name
        self.port = port or free_port()
        self.log = DATA / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> "Gunicorn":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        DATA.mkdir(parents=True, exist_ok=True)
        cmd = [GUNICORN, "trustrepair.wsgi", "--bind", f"127.0.0.1:{self.port}", *self.args]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed argument list
                cmd, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"{self.name} exited at start; see {self.log}")
            try:
                if fetch(self.port, "/healthz").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise BenchError(f"{self.name} did not answer /healthz within 60 s; see {self.log}")

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

    def cpu_seconds(self) -> float:
        """CPU time used so far by gunicorn and its workers. Unlike requests/s, CPU per
        request hardly changes when other programs compete for the cores."""
        return 0.0 if self.process is None else group_seconds(self.process.pid)

    def log_tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


WRK_JSON = re.compile(r"^BENCH_JSON (.*)$", re.MULTILINE)


def lua_value(value: Any) -> str:
    """Python data as a Lua literal (strings, numbers, lists, dicts)."""
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


class Wrk:
    """One wrk process; several can run side by side (reads and writes)."""

    def __init__(
        self,
        url: str,
        *,
        name: str,
        duration: float,
        threads: int = 2,
        connections: int = 16,
        headers: tuple[str, ...] = (),
        params: dict[str, Any] | None = None,
    ) -> None:
        wrk = shutil.which("wrk")
        if wrk is None:
            raise BenchError("wrk is not installed: apt-get install wrk")
        DATA.mkdir(parents=True, exist_ok=True)
        params = {"out_dir": str(DATA), "run_name": name, "nthreads": threads, **(params or {})}
        script = DATA / f"wrk-{name}.lua"
        header = "".join(f"{key} = {lua_value(value)}\n" for key, value in params.items())
        script.write_text(header + (ROOT / "bench" / "wrk.lua").read_text())
        self.duration = duration
        self.name = name
        self.cmd = [wrk, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s"]
        # A slow page under load is measured rather than dropped.
        self.cmd += ["--timeout", "5s", "--latency", "--script", str(script)]
        for header_line in ("Accept-Encoding: gzip", *headers):
            self.cmd += ["--header", header_line]
        self.cmd.append(url)
        self.process: subprocess.Popen[str] | None = None

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
            raise BenchError(f"wrk failed: {stderr.strip() or stdout[-2000:]}")
        result: dict[str, Any] = json.loads(match.group(1))
        result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
        result["errors"] = sum(
            result[key] for key in ("connect", "read", "write", "timeout", "status")
        )
        pks = DATA / f"pks-{self.name}.txt"
        result["pks"] = [int(pk) for pk in pks.read_text().split()] if pks.exists() else []
        pks.unlink(missing_ok=True)
        return result

    def run(self) -> dict[str, Any]:
        return self.start().result()
