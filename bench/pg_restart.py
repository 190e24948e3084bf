"""`make bench BENCH_ARGS=--pg-restart`: PostgreSQL stopped and started under a steady
request loop, and how soon the app answers again without being restarted."""

import argparse
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bench.harness import BenchError, Gunicorn, Postgres, fetch, say

if TYPE_CHECKING:
    from bench.seed import Seeded


def pg_ctl(action: str) -> None:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    # Fast: the app's pooled connections would make a smart shutdown wait forever.
    mode = ["-m", "fast"] if action == "stop" else []
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", *mode, version, "main", action]
    subprocess.run(command, check=True, capture_output=True, timeout=120)  # noqa: S603


def pg_ready(database: Postgres) -> bool:
    ready = shutil.which("pg_isready") or "pg_isready"
    command = [ready, "-q", "-h", database.host, "-p", database.port]
    return subprocess.run(command, check=False, timeout=10).returncode == 0  # noqa: S603


def pg_restart(
    args: argparse.Namespace, env: dict[str, str], seeded: "Seeded", database: Postgres
) -> dict:
    """A dashboard request every 50 ms while PostgreSQL is stopped and started again."""
    import psycopg
    from django.db import connections

    from bench.traffic import session_cookie

    cookie = session_cookie(seeded.readers[0][1])
    samples: list[tuple[float, int | str]] = []
    halt = threading.Event()

    def loop(port: int) -> None:
        while not halt.is_set():
            started = time.monotonic()
            try:
                outcome: int | str = fetch(port, "/journal/", cookie=cookie, timeout=3).status
            except OSError as exc:
                outcome = type(exc).__name__
            samples.append((started, outcome))
            halt.wait(max(0.0, 0.05 - (time.monotonic() - started)))

    connections.close_all()
    with Gunicorn(env, args.gunicorn, name="gunicorn-postgresql") as server:
        thread = threading.Thread(target=loop, args=(server.port,), daemon=True)
        thread.start()
        try:
            time.sleep(3)
            # The cluster may be shared: never restart it under someone else's work.
            for attempt in range(31):
                with psycopg.connect(database.admin, autocommit=True) as conn:
                    row = conn.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE backend_type = "
                        "'client backend' AND pid <> pg_backend_pid() AND datname <> %s",
                        [database.name],
                    ).fetchone()
                if not row or not row[0]:
                    break
                if attempt == 30:
                    raise BenchError(
                        f"{row[0]} other PostgreSQL clients for a minute: not restarting"
                    )
                say(f"  waiting for {row[0]} other PostgreSQL client(s) to finish")
                time.sleep(2)
            say(f"  restarting PostgreSQL (down for {args.pg_pause:.0f} s) under GET /journal/ ...")
            down = time.monotonic()
            pg_ctl("stop")
            time.sleep(args.pg_pause)
            pg_ctl("start")
            while not pg_ready(database):
                time.sleep(0.1)
            ready = time.monotonic()
            time.sleep(8)
        finally:
            halt.set()
            thread.join(timeout=5)
            if not pg_ready(database):
                pg_ctl("start")
    failed = [s for s in samples if s[1] != 200]
    first_ok = next((s[0] for s in samples if s[0] >= ready and s[1] == 200), None)
    kinds: dict[str, int] = {}
    for _, outcome in failed:
        kinds[str(outcome)] = kinds.get(str(outcome), 0) + 1
    recovered = None if first_ok is None else first_ok - ready
    result = {
        "requests": len(samples),
        "failed_before": sum(s[0] < down for s in failed),
        "failed_while_down": sum(down <= s[0] < ready for s in failed),
        "failed_after": sum(s[0] >= ready for s in failed),
        "kinds": kinds,
        "down_seconds": ready - down,
        "recovered_after_ready": recovered,
    }
    met = recovered is not None and recovered <= 5 and not result["failed_before"]
    say(
        f"\nPostgreSQL --pg-restart: GET /journal/ every 50 ms, {len(samples)} requests; failed "
        f"{result['failed_before']} before the stop, {result['failed_while_down']} in the "
        f"{ready - down:.1f} s until pg_isready, {result['failed_after']} after; kinds {kinds}\n"
        f"  [{'MET ' if met else 'MISS'}] served 200 again "
        f"{'never' if recovered is None else f'{recovered:.2f} s'} after pg_isready, without "
        "a restart (goal: 5 s)"
    )
    return result
