"""The two modes that check behaviour rather than speed: --load and --pg-restart."""

import argparse
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from bench import report
from bench.harness import (
    GUNICORN_ARGS,
    BenchError,
    Database,
    Gunicorn,
    Wrk,
    fetch,
    machine_load,
)
from bench.targets import Writers, browser_cookie, build, probe, writes_summary

# Three connections read for every one that writes: people look more than they write.
WRITE_SHARE = 3
LOOP_INTERVAL = 0.05


def load_mode(
    args: argparse.Namespace, database: Database, seeded: dict[str, Any], say: Any
) -> dict[str, Any]:
    duration = args.duration or 30
    gunicorn_args = args.gunicorn.split() if args.gunicorn else GUNICORN_ARGS
    # Reads and writes come from two wrk processes side by side, so that every
    # answer to a write is known to be one: a rejected write cannot hide among reads.
    write_connections = max(1, args.connections // (WRITE_SHARE + 1))
    read_connections = args.connections - write_connections
    with Gunicorn(database, gunicorn_args) as server:
        targets = build(seeded)
        probe(server, targets)
        checkin = next(t for t in targets if t.name == "checkin")
        if checkin.skip:
            raise BenchError(f"--load needs the check-in form: {checkin.skip}")
        writers = Writers(server, seeded, checkin.path)
        if reason := writers.prepare():
            raise BenchError(f"--load needs valid check-in POSTs: {reason}")
        reads = [
            {"path": t.path, "cookie": t.cookie}
            for t in targets
            if not t.skip and t.name not in {"checkin", "static"}
        ]
        # People reading their own, smaller journals, each with their own session.
        for target in targets:
            if target.name in {"dashboard", "insights"} and not target.skip:
                for reader in seeded["readers"][:6]:
                    cookie = browser_cookie(seeded, reader["session"], reader["csrf"])
                    reads.append({"path": target.path, "cookie": cookie})
        dates = writers.next_range()
        host = f"127.0.0.1:{server.port}"
        say(f"  before: {machine_load()}")
        say(
            f"  load: {args.connections} connections for {duration:.0f} s: {read_connections} "
            f"reading ({len(reads)} page/user pairs), {write_connections} posting check-ins ..."
        )
        common = {
            "duration": duration,
            "threads": max(1, args.threads // 2),
            "parts": ("requests.lua", "report.lua"),
        }
        readers = Wrk(
            server.base + "/",
            name="load-reads",
            connections=read_connections,
            params={"reads": reads, "host": host},
            **common,
        )
        writes = Wrk(
            server.base + checkin.path,
            name="load-writes",
            connections=write_connections,
            params=writers.lua_params(dates, host),
            **common,
        )
        try:
            readers.start()
            writes.start()
            read_result, write_result = readers.result(), writes.result()
        finally:
            readers.stop()
            writes.stop()
        tail = server.log_tail()
    summary = writes_summary(write_result, writers.verify(database, "load-writes", dates))
    results = {"reads": read_result, "writes": write_result}
    errors = sum(report.errors_of(result) for result in results.values())
    total = sum(report.rps(result) for result in results.values())
    say()
    say(
        f"{database.label} --load: gunicorn {' '.join(gunicorn_args)}; "
        f"{args.connections} connections, {duration:.0f} s; {total:.1f} requests/s in all"
    )
    for kind, result in results.items():
        say(
            f"  {kind:<6} {result['requests']:>6} requests ({report.rps(result):6.1f}/s), "
            f"p50 {result['p50_us'] / 1000:7.1f} ms, p99 {result['p99_us'] / 1000:7.1f} ms, "
            f"max {result['max_us'] / 1000:6.0f} ms; errors {report.errors_of(result)} "
            f"(connect {result['connect']}, read {result['read']}, write {result['write']}, "
            f"timeout {result['timeout']}, HTTP 4xx/5xx {result['status']}); "
            f"statuses {result['statuses']}"
        )
    say(
        f"  writes acknowledged {summary['acknowledged']}, found in database {summary['found']}; "
        f"rejected {summary['rejected']}; sent {summary['sent']}, of which "
        f"{summary['unanswered']} in flight when wrk stopped; rows stored in the run's date "
        f"range {summary['rows_in_range']}"
    )
    if errors:
        say(f"gunicorn log (last lines):\n{tail}")
    return {
        "gunicorn": gunicorn_args,
        "reads": read_result,
        "writes_wrk": write_result,
        "writes": summary,
        "errors": errors,
        "rps": round(total, 1),
    }


def cluster() -> tuple[str, str]:
    versions = sorted(p.name for p in Path("/etc/postgresql").iterdir() if p.is_dir())
    if not versions:
        raise BenchError("no cluster under /etc/postgresql")
    return versions[-1], "main"


def pg_ctl(action: str) -> None:
    version, name = cluster()
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, action]
    if action == "stop":
        # Fast: the app's pooled connections would make a smart shutdown wait forever.
        command[2:2] = ["-m", "fast"]
    subprocess.run(command, check=True, capture_output=True, timeout=120)  # noqa: S603


def pg_ready(database: Database) -> bool:
    ready = shutil.which("pg_isready") or "pg_isready"
    host = database.url.split("@")[-1].split("/")[0]
    hostname, _, port = host.partition(":")
    result = subprocess.run(  # noqa: S603 - fixed argument list
        [ready, "-q", "-h", hostname, "-p", port or "5432"], check=False, timeout=10
    )
    return result.returncode == 0


def other_clients(database: Database) -> int:
    import psycopg

    with psycopg.connect(database.admin_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
            "AND pid <> pg_backend_pid() AND datname NOT IN (%s, 'postgres')",
            [database.url.rsplit("/", 1)[-1]],
        ).fetchone()
    return row[0] if row else 0


class Loop(threading.Thread):
    """One request every 50 ms, recording when it started, ended and how it went."""

    def __init__(self, port: int, path: str, cookie: str) -> None:
        super().__init__(daemon=True)
        self.port, self.path, self.cookie = port, path, cookie
        self.samples: list[tuple[float, float, int | str]] = []
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            started = time.monotonic()
            try:
                outcome: int | str = fetch(
                    self.port, self.path, cookie=self.cookie, timeout=3
                ).status
            except OSError as exc:
                outcome = type(exc).__name__
            self.samples.append((started, time.monotonic(), outcome))
            self.halt.wait(max(0.0, LOOP_INTERVAL - (time.monotonic() - started)))


def pg_restart_mode(
    args: argparse.Namespace, database: Database, seeded: dict[str, Any], say: Any
) -> dict[str, Any]:
    gunicorn_args = args.gunicorn.split() if args.gunicorn else GUNICORN_ARGS
    with Gunicorn(database, gunicorn_args) as server:
        path = seeded["urls"].get("dashboard") or "/healthz"
        reader = seeded["readers"][0]
        # As a browser sends them, so most requests take the journal page cache's path.
        cookie = browser_cookie(seeded, reader["session"], reader["csrf"])
        if fetch(server.port, path, cookie=cookie).status != 200:
            path, cookie = "/healthz", ""
        loop = Loop(server.port, path, cookie)
        loop.start()
        try:
            time.sleep(5)
            waited = 0
            while (busy := other_clients(database)) and waited < 60:
                if waited == 0:
                    say(f"  waiting for {busy} other PostgreSQL client(s) to finish (up to 60 s)")
                time.sleep(2)
                waited += 2
            say(f"  restarting PostgreSQL (down for {args.pg_pause:.0f} s) under GET {path} ...")
            down = time.monotonic()
            pg_ctl("stop")
            stopped = time.monotonic()
            time.sleep(args.pg_pause)
            pg_ctl("start")
            while not pg_ready(database):
                time.sleep(0.1)
            ready = time.monotonic()
            deadline = ready + 30
            while time.monotonic() < deadline and not any(
                s[0] >= ready and s[2] == 200 for s in loop.samples
            ):
                time.sleep(0.1)
            time.sleep(5)
        finally:
            loop.halt.set()
            loop.join(timeout=5)
            if not pg_ready(database):
                pg_ctl("start")
    return restart_report(database, loop.samples, down, stopped, ready, path, say)


def restart_report(
    database: Database,
    samples: list[tuple[float, float, int | str]],
    down: float,
    stopped: float,
    ready: float,
    path: str,
    say: Any,
) -> dict[str, Any]:
    failed = [s for s in samples if s[2] != 200]
    before = [s for s in failed if s[0] < down]
    # A request that started before pg_isready said yes could still be waiting on the
    # dead connection; it counts as "while down".
    during = [s for s in failed if down <= s[0] < ready]
    after = [s for s in failed if s[0] >= ready]
    first_ok = next((s for s in samples if s[0] >= ready and s[2] == 200), None)
    recovered = round(first_ok[1] - ready, 2) if first_ok else None
    outcomes: dict[str, int] = {}
    for sample in failed:
        outcomes[str(sample[2])] = outcomes.get(str(sample[2]), 0) + 1
    result = {
        "path": path if "/s/" not in path else "/s/<token>/",
        "requests": len(samples),
        "failed": len(failed),
        "failed_before_stop": len(before),
        "failed_while_down": len(during),
        "failed_after_ready": len(after),
        "failure_kinds": outcomes,
        "down_seconds": round(ready - down, 2),
        "stop_took": round(stopped - down, 2),
        "recovered_seconds_after_ready": recovered,
        "goal_met": bool(first_ok) and not before and recovered is not None and recovered <= 5,
    }
    say()
    say(f"{database.label} --pg-restart: GET {result['path']} every 50 ms")
    say(
        f"  {result['requests']} requests; failed: {len(before)} before the restart, "
        f"{len(during)} while PostgreSQL was down ({result['down_seconds']} s from the stop "
        f"command to pg_isready; the stop itself took {result['stop_took']} s), "
        f"{len(after)} after it was back; kinds {outcomes or '{}'}"
    )
    if recovered is None:
        say("  the app did NOT serve 200 again within 30 s of PostgreSQL being back")
    else:
        say(
            f"  served 200 again {recovered} s after pg_isready, without a restart "
            f"(goal: within 5 s): {'MET' if result['goal_met'] else 'MISS'}"
        )
    return result
