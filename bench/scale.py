"""`make scale-check`: two app servers behind nginx, one PostgreSQL, one Redis, on loopback.

    python bench/scale.py                  # free ports; DATABASE_URL names the server
    python bench/scale.py --ports 8280     # nginx 8280, app servers 8281-8282, Redis 8283

Needs Debian's redis-server, nginx and wrk, and a PostgreSQL server (DATABASE_URL, by
default postgres://postgres@127.0.0.1:5432/postgres), on which it creates a database
of its own and drops it at the end. Everything it starts (Redis, nginx, gunicorn) is
stopped on the way out, also on Ctrl-C. It prints each check; exit status 1 if any failed.
The servers are in bench/cluster.py, the checks in bench/scale_checks.py.
"""

import argparse
import io
import os
import secrets
import shutil
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cluster import Cluster
from bench.harness import BenchError, Postgres, say, trap_signals
from bench.scale_checks import Checks

if TYPE_CHECKING:
    from bench.seed import Seeded


def start(args: argparse.Namespace, stack: ExitStack) -> Checks:
    """Everything the checks need, each part stopped on the way out by `stack`."""
    cluster = Cluster(args.ports, stack)
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith("postgres"):
        server = "postgres://postgres@127.0.0.1:5432/postgres"
    database = Postgres(server, args.pg_database)
    stack.callback(database.drop)
    cluster.start_redis()
    env = cluster.app_env(database.url)
    os.environ.update(env)
    seeded, password = prepare(stack)
    cluster.start_apps(env)
    cluster.start_nginx()
    say(cluster.summary(database.name))
    return Checks(cluster, env, seeded, password, args.duration)


def prepare(stack: ExitStack) -> tuple["Seeded", str]:
    """The database as a deploy leaves it, the readers, and one person who signs in
    with a password; returns them and that password."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from bench.seed import seed
    from trustrepair.models import User

    stack.callback(connections.close_all)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("sync_guides", stdout=io.StringIO())
    seeded = seed(readers=12, heavy=False)
    password = secrets.token_urlsafe(16)
    User.objects.create_user(username="scale-check", password=password)
    connections.close_all()
    return seeded, password


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
            checks = start(args, stack)
            passed = checks.run()
        except KeyboardInterrupt:
            say("\nInterrupted: stopping everything the scale check started.")
            return 130
        except BenchError as exc:
            say(f"\nscale check failed: {exc}")
            return 1
        finally:
            say("Stopping nginx, the app servers and Redis; dropping the database.")
    failed = checks.failed
    say(f"scale check: all {checks.count} checks passed" if passed else f"FAILED: {failed}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
