import datetime
import os
import subprocess
import sys
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command

from guides.content import ContentError
from guides.helplines import read_helplines
from guides.loader import sync
from guides.models import Helpline, HelplineNote, Lesson
from tests.guides.helpers import lesson_file, write_lesson

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def entry(**overrides: object) -> dict:
    values = {
        "topic": "abuse",
        "region": "Testland",
        "name": "Testland Support Line",
        "phone": "0800 123 456",
        "url": "https://support.example.org/",
        "hours": "24 hours a day",
        "checked": datetime.date(2026, 11, 30),
    }
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


def directory(*entries: dict, find_local: str | None = "Ask your doctor.") -> dict:
    data: dict = {"helplines": list(entries) or [entry()]}
    if find_local is not None:
        data["find_local"] = find_local
    return data


def write_directory(path: Path, data: object) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def helpline_rows() -> list[tuple]:
    return list(Helpline.objects.values_list("topic", "region", "name", "phone", "checked"))


# The real directory


def test_the_real_directory_is_loaded_with_the_lessons_in_file_order(content_dir: Path):
    directory, problems = read_helplines(settings.HELPLINES_FILE)
    assert directory is not None, problems

    report = sync(content_dir)

    assert report.helplines == len(directory.entries)
    assert report.helplines_changed
    names = list(Helpline.objects.order_by("position").values_list("name", flat=True))
    assert names == [line["name"] for line in directory.entries]
    assert HelplineNote.objects.get().find_local == directory.find_local


def test_the_real_directory_lists_emergency_abuse_and_crisis_lines():
    directory, _ = read_helplines(settings.HELPLINES_FILE)
    assert directory is not None

    topics = {line["topic"] for line in directory.entries}

    assert {"emergency", "abuse", "crisis"} <= topics


def test_loading_twice_writes_the_helplines_only_once(content_dir: Path):
    sync(content_dir)
    ids = list(Helpline.objects.values_list("pk", flat=True))

    report = sync(content_dir)

    assert not report.helplines_changed
    assert report.changed == 0
    assert f"Helplines: {report.helplines} unchanged." in report.summary()
    assert list(Helpline.objects.values_list("pk", flat=True)) == ids


# A deployment's own directory


def test_a_deployment_lists_its_own_lines_from_the_helplines_file_setting(
    content_dir: Path, tmp_path: Path, settings
):
    settings.HELPLINES_FILE = write_directory(
        tmp_path / "ours.yaml", directory(entry(), entry(topic="crisis", name="Night Line"))
    )

    sync(content_dir)

    assert helpline_rows() == [
        ("abuse", "Testland", "Testland Support Line", "0800 123 456", datetime.date(2026, 11, 30)),
        ("crisis", "Testland", "Night Line", "0800 123 456", datetime.date(2026, 11, 30)),
    ]
    assert HelplineNote.objects.get().find_local == "Ask your doctor."


def test_a_changed_line_replaces_the_directory(content_dir: Path, tmp_path: Path):
    ours = write_directory(tmp_path / "ours.yaml", directory(entry()))
    sync(content_dir, helplines_file=ours)
    write_directory(ours, directory(entry(phone="0800 999 999")))

    report = sync(content_dir, helplines_file=ours)

    assert report.helplines_changed
    assert report.changed == 1
    assert Helpline.objects.get().phone == "0800 999 999"


def test_the_phone_link_keeps_only_digits_and_plus():
    line = Helpline(phone="+44 (0)808 2000-247")

    assert line.tel_href == "tel:+4408082000247"


def _env_without_debug_secrets() -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k not in {"HELPLINES_FILE", "DEBUG"}}
    return {**keep, "DEBUG": "1"}


def _settings_value(**env: str) -> subprocess.CompletedProcess:
    code = "from django.conf import settings; print(settings.HELPLINES_FILE)"
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env={**_env_without_debug_secrets(), **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.django_db(databases=[])
def test_a_relative_helplines_file_is_read_from_the_project_directory():
    result = _settings_value(HELPLINES_FILE="guides/content/helplines.yaml")

    assert result.stdout.strip() == str(ROOT / "guides" / "content" / "helplines.yaml")


@pytest.mark.django_db(databases=[])
def test_a_helplines_file_that_does_not_exist_stops_startup_clearly():
    result = _settings_value(HELPLINES_FILE="/nowhere/helplines.yaml")

    assert result.returncode != 0
    assert "HELPLINES_FILE /nowhere/helplines.yaml is not a file" in result.stderr


# Files that are refused


def _with(data: object) -> Callable[[Path], Path]:
    return lambda path: write_directory(path, data)


BROKEN = {
    "no checked date": (
        _with(directory(entry(checked=None))),
        "helplines.yaml, entry 1 (Testland Support Line): missing 'checked'",
    ),
    "no phone or url": (
        _with(directory(entry(phone=None, url=None))),
        "helplines.yaml, entry 1 (Testland Support Line): needs a phone number or a url",
    ),
    "no region": (
        _with(directory(entry(region=None))),
        "helplines.yaml, entry 1 (Testland Support Line): missing 'region'",
    ),
    "a number without quotes": (
        _with(directory(entry(phone=999))),
        "helplines.yaml, entry 1 (Testland Support Line): phone should be text (put numbers",
    ),
    "letters in the number": (
        _with(directory(entry(phone="0800 HELP"))),
        "helplines.yaml, entry 1 (Testland Support Line): phone '0800 HELP' should only",
    ),
    "a plain http address": (
        _with(directory(entry(url="http://support.example.org/"))),
        "helplines.yaml, entry 1 (Testland Support Line): url 'http://support.example.org/'",
    ),
    "an unknown topic": (
        _with(directory(entry(topic="legal"))),
        "helplines.yaml, entry 1 (Testland Support Line): topic 'legal' should be one of",
    ),
    "a checked date in the future": (
        _with(directory(entry(checked=datetime.date.today() + datetime.timedelta(days=1)))),
        "helplines.yaml, entry 1 (Testland Support Line): checked ",
    ),
    "a checked date that is not a date": (
        _with(directory(entry(checked="last week"))),
        "helplines.yaml, entry 1 (Testland Support Line): checked should be the date",
    ),
    "an unknown field": (
        _with(directory(entry(email="help@example.org"))),
        "helplines.yaml, entry 1 (Testland Support Line): unknown 'email'",
    ),
    "the same line twice": (
        _with(directory(entry(), entry())),
        "helplines.yaml: Testland Support Line (Testland) is listed twice",
    ),
    "no advice on finding a local service": (
        _with(directory(entry(), find_local=None)),
        "helplines.yaml: missing 'find_local'",
    ),
    "no lines at all": (
        _with({"find_local": "Ask.", "helplines": []}),
        "helplines.yaml: helplines should be a list of entries",
    ),
    "not YAML": (
        lambda path: path.write_text("helplines: [unclosed\n", encoding="utf-8"),
        "helplines.yaml: not valid YAML",
    ),
    "no file": (lambda path: path, "helplines.yaml: missing"),
}


@pytest.mark.parametrize(("breakage", "message"), BROKEN.values(), ids=BROKEN.keys())
def test_a_bad_directory_stops_the_whole_load_and_changes_nothing(
    content_dir: Path, tmp_path: Path, breakage: Callable[[Path], Path], message: str
):
    ours = write_directory(tmp_path / "helplines.yaml", directory())
    sync(content_dir, helplines_file=ours)
    before = (helpline_rows(), list(Lesson.objects.values_list("slug", "title")))
    # A valid lesson change alongside the broken directory must not be saved either.
    write_lesson(content_dir, "first-steps", "01-alpha.md", lesson_file("alpha", 1, title="New"))
    ours.unlink()
    breakage(ours)

    with pytest.raises(ContentError) as error:
        sync(content_dir, helplines_file=ours)

    assert any(problem.startswith(message) for problem in error.value.problems), (
        error.value.problems
    )
    assert (helpline_rows(), list(Lesson.objects.values_list("slug", "title"))) == before


def test_the_command_names_the_broken_helpline_and_changes_nothing(
    content_dir: Path, tmp_path: Path, settings
):
    settings.HELPLINES_FILE = write_directory(
        tmp_path / "helplines.yaml", directory(entry(checked=None))
    )

    with pytest.raises(CommandError) as error:
        call_command("sync_guides", path=content_dir, stdout=StringIO())

    assert "nothing changed" in str(error.value)
    assert "entry 1 (Testland Support Line): missing 'checked'" in str(error.value)
    assert not Helpline.objects.exists()
