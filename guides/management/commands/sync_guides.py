from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guides.content import CONTENT_DIR, ContentError
from guides.loader import sync


class Command(BaseCommand):
    help = "Loads the lesson files under guides/content into the database (safe to re-run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--path", type=Path, default=CONTENT_DIR, help="content directory to load"
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the files and report what would change, without saving anything",
        )

    def handle(self, *args, path: Path, dry_run: bool, **options) -> None:
        try:
            report = sync(path, dry_run=dry_run)
        except ContentError as error:
            problems = "\n".join(f"  {problem}" for problem in error.problems)
            raise CommandError(
                f"The lessons were not loaded; nothing changed.\n{problems}"
            ) from None
        self.stdout.write(report.summary())
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")
