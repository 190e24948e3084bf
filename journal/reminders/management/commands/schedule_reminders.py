import logging
import signal
import time
from types import FrameType

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from journal.reminders.tasks import schedule

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Enqueues the reminders that are due now (a db_worker sends them). Run it every few "
        "minutes: from a timer (cron, a systemd timer), or as a process with --every SECONDS."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="keep running, and look again every SECONDS (e.g. 300)",
        )

    def handle(self, *args: object, every: int, **options: object) -> None:
        if every <= 0:
            self.stdout.write(f"{schedule()} reminders enqueued")
            return
        running = True

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while running:
            close_old_connections()
            try:
                enqueued = schedule()
            except Exception as error:  # the loop must outlive a database hiccup
                log.error("scheduling reminders failed: %s", type(error).__name__)
            else:
                if enqueued:
                    log.info("%s reminders enqueued", enqueued)
            deadline = time.monotonic() + every
            while running and time.monotonic() < deadline:
                time.sleep(min(1.0, deadline - time.monotonic()))
