from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guides.content import CONTENT_DIR, ContentError, read_content
from guides.coverage import CoverageError, coverage_rows, render_table

COVERAGE_FILE = "COVERAGE.md"


class Command(BaseCommand):
    help = (
        f"Regenerates guides/content/{COVERAGE_FILE}: which lesson teaches each idea "
        "of the content brief, from the lessons' `covers` front matter."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--path", type=Path, default=CONTENT_DIR, help="content directory to read"
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help=f"only check that {COVERAGE_FILE} is up to date (for CI)",
        )

    def handle(self, *args, path: Path, check: bool, **options) -> None:
        try:
            content = read_content(path)
            rows = coverage_rows(
                (lesson.path, lesson.values["title"], lesson.values["covers"])
                for lesson in content.lessons
            )
        except (ContentError, CoverageError) as error:
            raise CommandError("\n".join(error.problems)) from None
        table = render_table(rows)
        target = path / COVERAGE_FILE
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if check:
            if current != table:
                raise CommandError(f"{target} is out of date: run manage.py coverage")
            self.stdout.write(f"{COVERAGE_FILE} is up to date.")
        elif current == table:
            self.stdout.write(f"{COVERAGE_FILE} is up to date ({len(rows)} IDs).")
        else:
            target.write_text(table, encoding="utf-8")
            self.stdout.write(f"Wrote {target} ({len(rows)} IDs).")
