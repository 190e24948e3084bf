"""`make run`: the web server, the task worker and the reminder scheduler, together.

Each runs as its own process group, so that stopping this command (Ctrl-C, or SIGTERM)
stops all three and anything they started (runserver's reloader child included), and
so that one of them ending stops the others: nothing is left running in the background.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from types import FrameType

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

STOP_WAIT_SECONDS = 10


class Command(BaseCommand):
    help = (
        "Runs the development server, the task worker (db_worker) and the reminder "
        "scheduler together; stopping it stops all three."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--schedule-every",
            type=int,
            default=60,
            metavar="SECONDS",
            help="how often the scheduler looks for due reminders (default: 60)",
        )

    def handle(self, *args: object, addrport: str, schedule_every: int, **options: object) -> None:
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        commands = {
            "web": [*manage, "runserver", addrport],
            "worker": [*manage, "db_worker"],
            "scheduler": [*manage, "schedule_reminders", "--every", str(schedule_every)],
        }
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        processes: dict[str, subprocess.Popen] = {}
        try:
            for name, command in commands.items():
                # This project's own manage.py, by absolute path, never through a shell.
                processes[name] = subprocess.Popen(command, start_new_session=True)  # noqa: S603
            self.stdout.write(
                "Started "
                + ", ".join(f"{name} (pid {p.pid})" for name, p in processes.items())
                + ". Ctrl-C stops them all.",
            )
            self.stdout.flush()
            while not stopping:
                ended = [name for name, p in processes.items() if p.poll() is not None]
                if ended:
                    self.stderr.write(f"{', '.join(ended)} stopped; stopping the others.")
                    break
                time.sleep(0.5)
        finally:
            _stop_all(processes.values())


def _stop_all(processes: Iterable[subprocess.Popen]) -> None:
    running = list(processes)
    for process in running:
        _signal_group(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_WAIT_SECONDS
    for process in running:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(process.pid, signal.SIGKILL)
            process.wait()
    # Whatever they started in their groups (runserver's reloader child) goes too.
    for process in running:
        _signal_group(process.pid, signal.SIGKILL)


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signum)
