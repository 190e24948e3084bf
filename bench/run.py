"""`make bench`: TrustRepair under gunicorn in production mode, measured with wrk.

    python bench/run.py                    # the table: SQLite (+ PostgreSQL with DATABASE_URL)
    python bench/run.py --duration 3       # shorter runs while developing
    python bench/run.py --load             # 64 connections for 30 s, reads mixed with writes
    python bench/run.py --pg-restart       # restart PostgreSQL under a steady request loop
    python bench/run.py --compare-workers  # the gunicorn worker settings side by side
    python bench/run.py --profile          # cProfile the pages that miss their goal

Everything started here (gunicorn's process group, wrk) is stopped on the way out,
also on Ctrl-C or an error. The README's "Benchmark" section explains the numbers.
"""

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import report
from bench.harness import (
    DATA,
    GUNICORN_ARGS,
    BenchError,
    Database,
    Gunicorn,
    OtherLoad,
    drop_postgres,
    machine_load,
    postgres_database,
    prepare,
    run_wrk,
    sqlite_database,
    task,
)
from bench.targets import Target, Writers, build, measurable, probe, writes_summary

WORKER_CHOICES = {
    "sync -w 3": ["--workers", "3"],
    "sync -w 5": ["--workers", "5"],
    "gthread -w 2 --threads 4": ["--workers", "2", "--threads", "4"],
    "gthread -w 3 --threads 2": ["--workers", "3", "--threads", "2"],
}
ACCEPT = "Accept-Encoding: gzip"


def say(message: str = "") -> None:
    print(message, flush=True)


def wait_idle(seconds: float) -> None:
    """On a shared machine, other work on the two cores would be measured too."""
    deadline = time.monotonic() + seconds
    if seconds and os.getloadavg()[0] >= 1.0:
        say(f"  waiting up to {seconds:.0f} s for the machine to go quiet ({machine_load()})")
    while time.monotonic() < deadline and os.getloadavg()[0] >= 1.0:
        time.sleep(5)


def stop_on_signal(signum: int, frame: object) -> None:
    # SIGTERM/SIGHUP take the same way out as Ctrl-C, so every finally block runs.
    raise KeyboardInterrupt


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, help="seconds per wrk run (10; --load 30)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--connections", type=int, help="wrk connections (16; --load 64)")
    parser.add_argument(
        "--db",
        choices=("auto", "sqlite", "postgres", "both"),
        default="auto",
        help="auto: SQLite, plus PostgreSQL when DATABASE_URL is set",
    )
    parser.add_argument("--only", help="comma-separated targets, e.g. lesson,dashboard")
    parser.add_argument("--load", action="store_true", help="mixed reads and writes under load")
    parser.add_argument("--pg-restart", action="store_true", help="restart PostgreSQL mid-run")
    parser.add_argument("--pg-pause", type=float, default=3, help="seconds PostgreSQL stays down")
    parser.add_argument(
        "--compare-workers", action="store_true", help="try the gunicorn worker settings"
    )
    parser.add_argument("--gunicorn", help="gunicorn arguments instead of the chosen ones")
    parser.add_argument(
        "--profile",
        nargs="?",
        const="auto",
        help="cProfile pages in-process: the ones missing goals, or NAME[,NAME]",
    )
    parser.add_argument(
        "--keep-db", action="store_true", help="keep the bench databases and their settings"
    )
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=0,
        metavar="SECONDS",
        help="first wait up to this long for the 1-minute load average to fall below 1",
    )
    args = parser.parse_args()
    if args.pg_restart and not os.environ.get("DATABASE_URL"):
        parser.error("--pg-restart needs DATABASE_URL (a PostgreSQL server)")
    return args


def databases(args: argparse.Namespace) -> list[str]:
    has_pg = bool(os.environ.get("DATABASE_URL", "").startswith("postgres"))
    if args.pg_restart or (args.load and has_pg and args.db == "auto"):
        return ["postgres"]
    if args.db == "auto":
        return ["sqlite", "postgres"] if has_pg else ["sqlite"]
    if args.db == "both":
        return ["sqlite", "postgres"]
    return [args.db]


def open_database(kind: str) -> Database:
    if kind == "sqlite":
        return sqlite_database()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise BenchError("PostgreSQL needs DATABASE_URL=postgres://user@host:port/name")
    return postgres_database(url)


def wrk_target(
    server: Gunicorn,
    target: Target,
    args: argparse.Namespace,
    duration: float,
    writers: Writers | None,
    database: Database,
) -> dict[str, Any]:
    url = server.base + target.path
    common = {"threads": args.threads, "connections": args.connections}
    if target.name != "checkin":
        headers = [ACCEPT] + ([f"Cookie: {target.cookie}"] if target.cookie else [])
        # A short unrecorded run first, so every worker has imported and cached what it needs.
        run_wrk(url, name=f"{target.name}-warm", duration=2, headers=headers, **common)
        cpu, others = server.cpu_seconds(), OtherLoad(server)
        result = run_wrk(url, name=target.name, duration=duration, headers=headers, **common)
        result["cpu_seconds"] = server.cpu_seconds() - cpu
        result.update(others.measure())
        return result
    assert writers is not None  # noqa: S101 - the caller skips check-ins without writers
    host = f"127.0.0.1:{server.port}"
    parts = ("requests.lua", "report.lua")
    warm = writers.next_range()
    run_wrk(
        url,
        name="checkin-warm",
        duration=2,
        params=writers.lua_params(warm, host),
        parts=parts,
        **common,
    )
    (DATA / "pks-checkin-warm.txt").unlink(missing_ok=True)
    dates = writers.next_range()
    cpu, others = server.cpu_seconds(), OtherLoad(server)
    result = run_wrk(
        url,
        name="checkin",
        duration=duration,
        params=writers.lua_params(dates, host),
        parts=parts,
        **common,
    )
    result["cpu_seconds"] = server.cpu_seconds() - cpu
    result.update(others.measure())
    result["writes"] = writes_summary(result, writers.verify(database, "checkin", dates))
    return result


def table_mode(args: argparse.Namespace, database: Database, seeded: dict[str, Any]) -> dict:
    duration = args.duration or 10
    wanted = set(args.only.split(",")) | {"static"} if args.only else None
    gunicorn_args = args.gunicorn.split() if args.gunicorn else GUNICORN_ARGS
    with Gunicorn(database, gunicorn_args) as server:
        targets = build(seeded)
        if wanted:
            targets = [t for t in targets if t.name in wanted]
        probe(server, targets)
        load_before = machine_load()
        writers = checkin_writers(server, seeded, targets)
        measured = measure(database, targets, writers)
        results = {}
        for target in targets:
            if target.skip:
                continue
            say(f"  wrk {target.name} ({duration:.0f} s) ...")
            try:
                results[target.name] = wrk_target(server, target, args, duration, writers, database)
            except BenchError as exc:
                target.skip = str(exc)[:200]
        tail = server.log_tail()
    rows = report.table_rows(targets, results, measured)
    previous = report.previous_rps(database.label, "table")
    goals = report.goals(rows, measured.get("_all_lessons", {}))
    say()
    say(
        f"{database.label}: gunicorn {' '.join(gunicorn_args)}; wrk {args.threads} threads, "
        f"{args.connections} connections, {duration:.0f} s per target"
    )
    say(f"before the runs: {load_before}")
    say(report.format_table(rows, previous))
    for row in rows:
        if row.get("writes"):
            w = row["writes"]
            say(
                f"  check-in writes acknowledged {w['acknowledged']}, found in database "
                f"{w['found']}; rejected {w['rejected']}; sent {w['sent']}, of which "
                f"{w['unanswered']} in flight when wrk stopped; rows stored in the run's "
                f"date range {w['rows_in_range']}"
            )
    say("Goals:")
    say(report.format_goals(goals))
    if any(row.get("errors") for row in rows if "skipped" not in row):
        say(f"gunicorn log (last lines):\n{tail}")
    if args.profile:
        profile(args, database, targets, writers, rows, goals)
    return {
        "gunicorn": gunicorn_args,
        "seed": {"counts": seeded["counts"], "notes": seeded["notes"]},
        "targets": {row["name"]: row for row in rows},
        "measured": measured,
        "goals": goals,
        "load_before": load_before,
    }


def checkin_writers(
    server: Gunicorn, seeded: dict[str, Any], targets: list[Target]
) -> Writers | None:
    target = next((t for t in targets if t.name == "checkin"), None)
    if target is None or target.skip:
        return None
    target.method = "POST"
    writers = Writers(server, seeded, target.path)
    target.skip = writers.prepare()
    return None if target.skip else writers


def measure(database: Database, targets: list[Target], writers: Writers | None) -> dict:
    rows = measurable(targets, writers)
    source, out = DATA / "measure-targets.json", DATA / "measure-out.json"
    source.write_text(json.dumps(rows))
    task(database, "measure", str(source), str(out))
    return json.loads(out.read_text())


def profile(
    args: argparse.Namespace,
    database: Database,
    targets: list[Target],
    writers: Writers | None,
    rows: list[dict[str, Any]],
    goals: list[dict[str, Any]],
) -> None:
    if args.profile == "auto":
        missed = {g["goal"].split(":")[0] for g in goals if g["met"] is False}
        names = [row["name"] for row in rows if row["label"] in missed]
    else:
        names = args.profile.split(",")
    if not names:
        say("Profile: every page met its goal; nothing to profile (name pages to force it).")
        return
    source = DATA / "profile-targets.json"
    source.write_text(json.dumps(measurable(targets, writers)))
    say(f"\nProfiles ({', '.join(names)}), in-process with the test client:")
    say(task(database, "profile", str(source), ",".join(names), "200", timeout=1800))


def compare_workers(args: argparse.Namespace, database: Database, seeded: dict[str, Any]) -> dict:
    duration = args.duration or 10
    names = ("static", "lesson", "dashboard", "insights")
    say(f"\n{database.label}: gunicorn worker settings, {duration:.0f} s per target")
    say("requests/s, then gunicorn CPU ms per request, then others' share of the cores")
    say(f"{'settings':<28}" + "".join(f"{n:>16}" for n in names) + f"{'errors':>8}")
    out = {}
    for label, gunicorn_args in WORKER_CHOICES.items():
        with Gunicorn(database, gunicorn_args) as server:
            targets = [t for t in build(seeded) if t.name in names]
            probe(server, targets)
            results = {
                t.name: wrk_target(server, t, args, duration, None, database)
                for t in targets
                if not t.skip
            }
        cells = ""
        for name in names:
            result = results.get(name)
            if result is None:
                cells += f"{'-':>16}"
                continue
            cpu = report.cpu_ms(result) or 0.0
            others = 100 * result.get("others_cpu_share", 0.0)
            cells += f"{report.rps(result):>7.0f} {cpu:>4.1f} {others:>2.0f}%"
        errors = sum(report.errors_of(result) for result in results.values())
        say(f"{label:<28}{cells}{errors:>8}")
        out[label] = {name: result for name, result in results.items()}
    return out


def keep_environment(database: Database) -> None:
    """The kept database's settings, so it can be opened again (its text is encrypted
    with this run's key). Throwaway secrets in a gitignored folder."""
    wanted = ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "DATABASE_URL", "ALLOWED_HOSTS", "HTTPS")
    path = DATA / f"env-{database.label.lower()}.sh"
    path.write_text("".join(f"export {key}='{database.env[key]}'\n" for key in wanted))
    say(f"{database.label} kept; its environment: source {report.relative(path)}")


def main() -> int:
    args = parse_args()
    # Started in the background, SIGINT may arrive ignored; Ctrl-C must still stop us.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGHUP, stop_on_signal)
    if args.load:
        args.connections = args.connections or 64
    args.connections = args.connections or 16
    mode = "load" if args.load else "pg-restart" if args.pg_restart else "table"
    if args.compare_workers:
        mode = "workers"
    results: dict[str, Any] = {}
    opened: list[Database] = []
    try:
        for kind in databases(args):
            database = open_database(kind)
            opened.append(database)
            seeded = prepare(database, say)
            wait_idle(args.wait_idle)
            if args.compare_workers:
                results[database.label] = compare_workers(args, database, seeded)
            elif args.load or args.pg_restart:
                from bench.resilience import load_mode, pg_restart_mode

                if args.load:
                    results[f"{database.label} load"] = load_mode(args, database, seeded, say)
                if args.pg_restart:
                    results[f"{database.label} restart"] = pg_restart_mode(
                        args, database, seeded, say
                    )
            else:
                results[database.label] = table_mode(args, database, seeded)
    except KeyboardInterrupt:
        say("\nInterrupted: everything started by the benchmark has been stopped.")
        return 130
    except BenchError as exc:
        say(f"\nbenchmark failed: {exc}")
        return 1
    finally:
        for database in opened:
            if args.keep_db:
                keep_environment(database)
            elif database.is_postgres:
                try:
                    drop_postgres(database)
                except Exception as exc:
                    say(f"could not drop the bench database: {exc}")
    settings = {
        "duration": args.duration,
        "threads": args.threads,
        "connections": args.connections,
        "nproc": os.cpu_count(),
        "time": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    path = report.save(mode, settings, results)
    say(f"\nResults written to {report.relative(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
