from datetime import timedelta
from typing import cast

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from trustrepair import kept_words
from trustrepair.models import WrongCodeNotice


class Command(BaseCommand):
    help = (
        "Delete sign-in records (django-axes access logs, failure logs and stale attempts) "
        "and untold wrong-code notices older than ACCESS_RECORD_DAYS (30). Run it daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="keep this many days instead")

    def handle(self, *args: object, **options: object) -> None:
        chosen = cast(int | None, options["days"])
        days = chosen if chosen is not None else settings.ACCESS_RECORD_DAYS
        cutoff = timezone.now() - timedelta(days=days)
        # django-axes' own tooling for its logs (what axes_reset_logs and
        # axes_reset_failure_logs run); attempts have no age-based reset there.
        logs = AxesProxyHandler.reset_logs(age_days=days)
        failures = AxesProxyHandler.reset_failure_logs(age_days=days)
        attempts, _ = AccessAttempt.objects.filter(attempt_time__lte=cutoff).delete()
        notices, _ = WrongCodeNotice.objects.filter(failed_at__lte=cutoff).delete()
        kept = kept_words.purge()
        self.stdout.write(
            f"Older than {days} days: {logs} access logs, {failures} failure logs, "
            f"{attempts} attempts, {notices} wrong-code notices deleted; "
            f"{kept} expired kept forms deleted."
        )
