"""`make bench`: TrustRepair under gunicorn in production mode, measured with wrk.

    python bench/run.py                  # the table: SQLite (+ PostgreSQL with DATABASE_URL)
    python bench/run.py --rounds 1       # one round instead of three, while developing
    python bench/run.py --profile        # and where the time goes, for pages missing goals
    python bench/run.py --load           # 64 connections for 30 s, reads mixed with writes
    python bench/run.py --pg-restart     # PostgreSQL restarted under a steady request loop

Each database is benchmarked by a process of its own (Django is set up once per
process, with that database's settings). gunicorn and wrk are stopped on the way out,
also on Ctrl-C or an error. The README's "Benchmark" section explains the numbers.
"""

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    DATA,
    ROOT,
    BenchError,
    Gunicorn,
    OtherLoad,
    Postgres,
    machine_load,
    production_env,
    say,
    trap_signals,
    wait_idle,
)
from bench.wrk import Wrk

if TYPE_CHECKING:
    from bench.pages import Target
    from bench.seed import Seeded
    from bench.traffic import Writers

# Three sync workers: each request takes whichever worker is free, so both cores stay
# busy. (gthread workers keep a keep-alive connection on one worker, which loaded them
# unevenly and served heavy pages at half the rate.) Sync workers belong behind a
# buffering proxy such as nginx in production, as gunicorn advises.
GUNICORN_ARGS = ["--workers", "3"]
LESSON_BYTES_GOAL = 30 * 1024
STATIC_SECONDS = 2.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--duration", type=float, help="seconds of wrk per page and round (4; --load 30)")
    add("--rounds", type=int, default=3, help="times each page is measured (3)")
    add("--connections", type=int, help="wrk connections (16; --load 64)")
    add("--db", choices=("auto", "sqlite", "postgres", "both"), default="auto")
    add("--pg-database", default="trustrepair_bench", help="the database created and dropped")
    add("--only", help="comma-separated targets, e.g. lesson,dashboard (static always runs)")
    add("--profile", nargs="?", const="missed", help="cProfile pages: those missing goals, or A,B")
    add("--load", action="store_true", help="mixed reads and writes, every write checked")
    add("--pg-restart", action="store_true", help="restart PostgreSQL under a request loop")
    add("--pg-pause", type=float, default=3, help="seconds PostgreSQL stays down (3)")
    add("--gunicorn", help="gunicorn arguments instead of --workers 3")
    add("--wait-idle", type=float, default=0, metavar="S", help="wait up to S s for load < 1")
    args = parser.parse_args()
    has_pg = os.environ.get("DATABASE_URL", "").startswith("postgres")
    if (args.pg_restart or args.db in ("postgres", "both")) and not has_pg:
        parser.error("PostgreSQL needs DATABASE_URL=postgres://user@host:port/any")
    if args.db == "auto":
        args.db = "postgres" if args.pg_restart or (args.load and has_pg) else "both"
        args.db = "sqlite" if args.db == "both" and not has_pg else args.db
    args.connections = args.connections or (64 if args.load else 16)
    args.duration = args.duration or (30 if args.load else 4)
    args.gunicorn = args.gunicorn.split() if args.gunicorn else GUNICORN_ARGS
    return args


def main() -> int:
    args = parse_args()
    trap_signals()
    if args.db != "both":
        return bench_database(args)
    status = 0
    for kind in ("sqlite", "postgres"):
        child = subprocess.Popen([sys.executable, __file__, *sys.argv[1:], "--db", kind])  # noqa: S603
        try:
            status = status or child.wait()
        except KeyboardInterrupt:
            child.terminate()  # it cleans up as on Ctrl-C
            child.wait()
            return 130
    return status


def bench_database(args: argparse.Namespace) -> int:
    database = None
    if args.db == "postgres":
        database = Postgres(os.environ["DATABASE_URL"], args.pg_database)
        url, label = database.url, "PostgreSQL"
    else:
        DATA.mkdir(parents=True, exist_ok=True)
        for path in DATA.glob("bench.sqlite3*"):
            path.unlink()
        url, label = f"sqlite:///{DATA / 'bench.sqlite3'}", "SQLite"
    env = production_env(url)
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connections

    try:
        seeded = prepare(label)
        wait_idle(args.wait_idle)
        if args.load:
            result = load(args, env, seeded, label)
        elif args.pg_restart:
            assert database is not None  # noqa: S101 - parse_args asks for PostgreSQL
            from bench.pg_restart import pg_restart

            result = pg_restart(args, env, seeded, database)
        else:
            result = table(args, env, seeded, label)
        mode = "load" if args.load else "pg-restart" if args.pg_restart else "table"
        results = ROOT / "bench" / "results"
        results.mkdir(exist_ok=True)
        path = results / f"{time.strftime('%Y%m%d-%H%M%S')}-{mode}-{label.lower()}.json"
        path.write_text(json.dumps(result, indent=1, default=str))
        say(f"Results written to {path.relative_to(ROOT)}")
        return 0
    except KeyboardInterrupt:
        say("\nInterrupted: everything the benchmark started has been stopped.")
        return 130
    except BenchError as exc:
        say(f"\nbenchmark failed: {exc}")
        return 1
    finally:
        connections.close_all()
        if database is not None:
            database.drop()


def prepare(label: str) -> "Seeded":
    from django.core.management import call_command

    from bench.seed import seed

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("sync_guides", stdout=io.StringIO())
    seeded = seed()
    settle()
    say(
        f"{label}: migrated, collected, seeded and analysed in "
        f"{time.perf_counter() - started:.0f} s "
        f"({', '.join(f'{k} {v}' for k, v in seeded.counts.items())}); {machine_load()}"
    )
    return seeded


def settle() -> None:
    """The freshly seeded database as a running one is: analysed, and on PostgreSQL
    vacuumed, as autovacuum would have done by now. Just loaded, PostgreSQL has no
    statistics and no visibility map, so the insights' counts read every row from
    the table (2.5 ms) instead of from their covering indexes (1.3 ms)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def measure(
    server: Gunicorn,
    target: "Target",
    writers: "Writers | None",
    args: argparse.Namespace,
    seconds: float,
    warm: float,
) -> dict:
    """wrk on one target (after a warm-up, if any), with gunicorn's and the others' CPU."""
    from bench.traffic import session_cookie

    url = f"http://127.0.0.1:{server.port}{target.path}"
    cookie = session_cookie(target.session) if target.method == "GET" else ""
    options: dict[str, Any] = {"connections": args.connections}
    options["headers"] = (f"Cookie: {cookie}",) if cookie else ()
    poster = writers if target.method == "POST" else None
    if warm:
        dates: dict[str, Any] = {"params": poster.params()} if poster is not None else {}
        Wrk(url, name="warm", duration=warm, **options | dates).run()
    if poster is not None:
        options["params"] = poster.params()  # dates of its own, after the warm-up's
    cpu, others = server.cpu_seconds(), OtherLoad(server)
    result = Wrk(url, name=target.name, duration=seconds, **options).run()
    result["cpu_ms"] = 1000 * (server.cpu_seconds() - cpu) / result["requests"]
    result.update(others.measure())
    result["db_ms"] = 1000 * result["database_seconds"] / result["requests"] or None
    if poster is not None:
        result["writes"] = poster.verify(result)
    result.pop("pks", None)
    return result


def rounds(
    server: Gunicorn, pages: list["Target"], writers: "Writers | None", args: argparse.Namespace
) -> tuple[list[dict], dict[str, list[dict]]]:
    """Every page measured in `args.rounds` rounds, each time between two short runs of
    the static file: static, page, static, next page, ... The machine's speed drifts
    over a run of a few minutes (the same file has cost 0.44-0.88 ms, once 25% more at
    the end of a run than at its start), so each page is held against the static runs
    on either side of it, and the verdict takes the median of its rounds."""
    static, *others = pages
    statics = [measure(server, static, writers, args, STATIC_SECONDS, warm=2)]
    runs: dict[str, list[dict]] = {page.name: [] for page in others}
    for number in range(args.rounds):
        say(f"  round {number + 1} of {args.rounds}: {', '.join(p.name for p in others)} ...")
        for page in others:
            run = measure(server, page, writers, args, args.duration, warm=2 if not number else 0)
            statics.append(measure(server, static, writers, args, STATIC_SECONDS, warm=0))
            before, after = statics[-2:]
            run["yardstick_cpu_ms"] = (before["cpu_ms"] + after["cpu_ms"]) / 2
            run["x_cpu"] = run["yardstick_cpu_ms"] / run["cpu_ms"]
            run["x_static"] = run["rps"] / ((before["rps"] + after["rps"]) / 2)
            runs[page.name].append(run)
    return statics, runs


def summarise(runs: list[dict]) -> dict:
    """One row from a target's rounds: medians, errors and writes summed, and the range
    of its ratios."""
    row: dict[str, Any] = {
        key: statistics.median(run[key] for run in runs)
        for key in ("rps", "p50_us", "p99_us", "cpu_ms", "others_share")
    }
    db = [run["db_ms"] for run in runs if run["db_ms"]]
    row["db_ms"] = statistics.median(db) if db else None
    row["errors"] = sum(run["errors"] for run in runs)
    for key in ("x_cpu", "x_static"):
        values = [run.get(key, 1.0) for run in runs]
        row[key], row[f"{key}_range"] = statistics.median(values), (min(values), max(values))
    writes = [run["writes"] for run in runs if "writes" in run]
    if writes:
        row["writes"] = {key: sum(w[key] for w in writes) for key in writes[0]}
    row["rounds"] = runs
    return row


def table(args: argparse.Namespace, env: dict[str, str], seeded: "Seeded", label: str) -> dict:
    from bench.pages import largest_lesson, profile, queries, targets
    from bench.traffic import Writers, writes_line

    pages = targets(seeded)
    if args.only:
        pages = [p for p in pages if p.name in {"static", *args.only.split(",")}]
    with Gunicorn(env, args.gunicorn, name=f"gunicorn-{label.lower()}") as server:
        writers = Writers(server.port, seeded.readers) if pages[-1].name == "checkin" else None
        before = machine_load()
        statics, runs = rounds(server, pages, writers, args)
        tail = server.log_tail()
    results = {"static": summarise(statics)} | {name: summarise(r) for name, r in runs.items()}
    say(
        f"\n{label}: gunicorn {' '.join(args.gunicorn)}; wrk 2 threads, {args.connections} "
        f"connections; {args.rounds} rounds of {args.duration:.0f} s per page, each between "
        f"two {STATIC_SECONDS:.0f} s runs of the static file; before the runs: {before}"
    )
    head = (
        f"{'target':<24}{'req/s':>9}{'p50 ms':>8}{'p99 ms':>8}{'errors':>7}{'x static':>9}"
        f"{'CPU ms':>8}{'x CPU':>7}{'range':>12}{'DB ms':>7}{'queries':>8}{'others':>8}"
    )
    say(head + "\n" + "-" * len(head))
    cpu = [run["cpu_ms"] for run in statics]
    say(
        f"(medians of the rounds; the yardstick cost {min(cpu):.2f}-{max(cpu):.2f} ms CPU "
        f"over the run, and each page is held against the static runs beside it)"
    )
    goals: list[tuple[bool, str]] = []
    for page in pages:
        r = results[page.name]
        r["queries"] = queries(page) if page.name != "static" else 0
        db_ms = f"{r['db_ms']:.2f}" if r["db_ms"] else "-"
        low, high = r["x_cpu_range"]
        say(
            f"{page.label:<24}{r['rps']:>9.1f}{r['p50_us'] / 1000:>8.2f}{r['p99_us'] / 1000:>8.2f}"
            f"{r['errors']:>7}{r['x_static']:>9.2f}{r['cpu_ms']:>8.2f}{r['x_cpu']:>7.3f}"
            f"{f'{low:.3f}-{high:.3f}':>12}{db_ms:>7}{r['queries']:>8}"
            f"{100 * r['others_share']:>7.0f}%"
        )
        if page.goal:
            kind, wanted = page.goal
            value = r["x_cpu"] if kind == "cpu" else r["x_static"]
            what = "x CPU" if kind == "cpu" else "x static req/s"
            goals.append((value >= wanted, f"{page.label}: {what} {value:.3f}, goal >= {wanted}"))
        if "writes" in r:
            say(f"  {writes_line(r['writes'])}")
    errors = sum(r["errors"] for r in results.values())
    writes = [r["writes"] for r in results.values() if "writes" in r]
    lost = sum(w["acknowledged"] - w["found"] for w in writes)
    rejected = sum(w["rejected"] for w in writes)
    goals.append(
        (
            errors == lost == rejected == 0,
            f"no errors: {errors} errors, {rejected} writes rejected, {lost} acknowledged lost",
        )
    )
    slug, size = largest_lesson()
    goals.append(
        (
            size <= LESSON_BYTES_GOAL,
            f"first visit to any lesson <= 30 KB: {slug} {size / 1024:.1f} KB",
        )
    )
    say("Goals:\n" + "\n".join(f"  [{'MET ' if met else 'MISS'}] {text}" for met, text in goals))
    if errors:
        say(f"gunicorn log (last lines):\n{tail}")
    if args.profile:
        missed = {g[1].split(":")[0] for g in goals if not g[0]}
        names = args.profile.split(",") if args.profile != "missed" else []
        chosen = [p for p in pages if p.name in names or (not names and p.label in missed)]
        say(f"\nProfiles ({', '.join(p.name for p in chosen) or 'none missed a goal'}):")
        for page in chosen:
            say(profile(page, 200))
    return {"before": before, "targets": results, "goals": goals}


def load(args: argparse.Namespace, env: dict[str, str], seeded: "Seeded", label: str) -> dict:
    from bench.traffic import Writers, mixed_load, session_cookie, traffic_line, writes_line

    heavy = session_cookie(seeded.heavy)
    reads = [
        {"path": seeded.lesson_url, "cookie": ""},
        {"path": seeded.share_url, "cookie": ""},
        {"path": "/guides/", "cookie": heavy},
    ]
    # The heavy journal, and people reading their own smaller ones.
    for session in [seeded.heavy] + [s for _pk, s in seeded.readers[:6]]:
        for path in ("/journal/", "/journal/insights/"):
            reads.append({"path": path, "cookie": session_cookie(session)})
    with Gunicorn(env, args.gunicorn, name=f"gunicorn-{label.lower()}") as server:
        writers = Writers(server.port, seeded.readers)
        say(f"  {args.connections} connections for {args.duration:.0f} s; {machine_load()}")
        reads_result, writes_result, writes = mixed_load(
            server.port, reads, writers, duration=args.duration, connections=args.connections
        )
        tail = server.log_tail()
    say(f"\n{label} --load: gunicorn {' '.join(args.gunicorn)}")
    say(f"  {traffic_line('reads', reads_result)}\n  {traffic_line('writes', writes_result)}")
    say(f"  {writes_line(writes)}")
    if reads_result["errors"] or writes["rejected"]:
        say(f"gunicorn log (last lines):\n{tail}")
    reads_result.pop("pks")
    writes_result.pop("pks")
    return {"reads": reads_result, "writes": writes_result, "verified": writes}


if __name__ == "__main__":
    sys.exit(main())
