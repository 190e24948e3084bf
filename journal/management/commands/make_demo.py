"""A demo account with about three months of journal entries, for trying the app out.

Run after `migrate` and `sync_guides` (`make demo` does all three). The account
`demo` is replaced if it exists; its new random password is printed once.
"""

import random
import secrets

from django.core.management.base import BaseCommand
from django.db import transaction

from guides.models import Lesson
from journal.demo_data import fill_journal
from trustrepair.models import User

USERNAME = "demo"


class Command(BaseCommand):
    help = "Create (or replace) the demo account with three months of journal entries."

    def handle(self, *args: object, **options: object) -> None:
        rng = random.Random(2024)  # noqa: S311 - demo data, not secrets
        password = secrets.token_urlsafe(12)
        with transaction.atomic():
            User.objects.filter(username=USERNAME).delete()
            user = User.objects.create_user(username=USERNAME, password=password)
            lessons = list(Lesson.objects.published().select_related("stage").in_course_order())
            counts = fill_journal(user, lessons, rng)
        self.stdout.write(
            f"Demo account ready: {counts['commitments']} commitments, "
            f"{counts['checkins']} check-ins, {counts['reflections']} reflections."
        )
        self.stdout.write(f"Username: {USERNAME}")
        self.stdout.write(f"Password: {password}  (shown once; run again for a new one)")
