"""Reads and checks the lesson files under guides/content (guides.rendering renders them).

Nothing here touches the database: guides.loader writes what this module returns.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from .coverage import is_brief_id
from .helplines import HelplineDirectory, read_helplines
from .models import Audience, Strategy
from .problems import key_problems, quoted, yaml_problem
from .rendering import count_words, plain_text, reading_minutes, render_markdown
from .tracks import TrackSource, read_tracks

CONTENT_DIR = Path(__file__).resolve().parent / "content"
STAGES_FILE = "stages.yaml"

MIN_WORDS, MAX_WORDS = 500, 1200
MIN_TAKEAWAYS, MAX_TAKEAWAYS = 3, 5
EXAMPLE_HEADING = re.compile(r"^## Example:", re.MULTILINE)
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n(.*)\Z", re.DOTALL)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Stage slugs share the URL space under /guides/ with these pages.
RESERVED_STAGE_SLUGS = frozenset({"search", "start"})

LESSON_KEYS = {
    "slug",
    "title",
    "order",
    "summary",
    "audience",
    "covers",
    "reflection",
    "try_this",
    "takeaways",
}
TRY_THIS_KEYS = {"text", "commitment", "strategy"}
STAGE_KEYS = {"slug", "title", "position", "summary"}


class ContentError(Exception):
    """One or more content files are unusable; nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class StageSource:
    slug: str
    title: str
    position: int
    summary: str


@dataclass(frozen=True)
class LessonSource:
    path: str  # relative to the content directory, e.g. roots-of-distrust/01-what-trust-is.md
    stage_slug: str
    values: dict[str, Any]  # model field values, except the stage

    @property
    def slug(self) -> str:
        return self.values["slug"]


@dataclass(frozen=True)
class Content:
    stages: list[StageSource]
    lessons: list[LessonSource]
    helplines: HelplineDirectory
    # Paths through the course for "start here" (guides.tracks); empty without paths.yaml.
    tracks: list[TrackSource] = field(default_factory=list)


def _problem(path: str, message: str) -> str:
    return f"{path}: {message}"


def read_stages(root: Path) -> tuple[list[StageSource], list[str]]:
    path = root / STAGES_FILE
    if not path.is_file():
        return [], [_problem(STAGES_FILE, "missing (it lists the stages, in order)")]
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        return [], [_problem(STAGES_FILE, f"not valid YAML ({yaml_problem(error)})")]
    if not isinstance(data, list) or not data:
        return [], [_problem(STAGES_FILE, "should be a list of stages")]
    stages, problems = [], []
    for number, item in enumerate(data, start=1):
        where = f"{STAGES_FILE}, stage {number}"
        if not isinstance(item, dict):
            problems.append(_problem(where, "should list slug, title, position and summary"))
            continue
        found, _ = key_problems(item.keys(), STAGE_KEYS)
        if found:
            problems += [_problem(where, problem) for problem in found]
            continue
        slug, title, position, summary = (item[k] for k in ("slug", "title", "position", "summary"))
        found = []
        if not isinstance(slug, str) or not SLUG.match(slug):
            found.append("slug should be lowercase words joined by hyphens")
        elif slug in RESERVED_STAGE_SLUGS:
            found.append(f"slug '{slug}' is taken by a page under /guides/")
        if not _text(title, 120):
            found.append("title should be text of at most 120 characters")
        if not _text(summary):
            found.append("summary should be text")
        if not _whole_number(position):
            found.append("position should be a whole number from 1")
        if found:
            problems += [_problem(where, problem) for problem in found]
        else:
            stages.append(StageSource(slug, title.strip(), position, " ".join(summary.split())))
    for attribute in ("slug", "position"):
        values = [getattr(stage, attribute) for stage in stages]
        for value in sorted({v for v in values if values.count(v) > 1}, key=str):
            problems.append(_problem(STAGES_FILE, f"{attribute} {value} is used by two stages"))
    positions = sorted(stage.position for stage in stages)
    if not problems and positions != list(range(1, len(positions) + 1)):
        problems.append(
            _problem(STAGES_FILE, f"positions should run from 1 to {len(positions)} without gaps")
        )
    return stages, problems


def read_lesson(path: Path, root: Path) -> LessonSource:
    """One lesson file -> its model values. Raises ContentError naming the file."""
    relative = path.relative_to(root).as_posix()
    raw = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    match = FRONT_MATTER.match(raw)
    if not match:
        raise ContentError(
            [_problem(relative, "no front matter (the file must start with a --- block)")]
        )
    front, body = match.groups()
    try:
        data = yaml.safe_load(front)
    except yaml.YAMLError as error:
        raise ContentError(
            [_problem(relative, f"front matter is not valid YAML ({yaml_problem(error, 1)})")]
        ) from None
    if not isinstance(data, dict):
        raise ContentError([_problem(relative, "front matter should be a mapping of fields")])

    problems = _check_front_matter(data)
    html, toc = render_markdown(body)
    text = plain_text(html)
    words = count_words(text)
    if not EXAMPLE_HEADING.search(body):
        problems.append("no '## Example:' section")
    if not MIN_WORDS <= words <= MAX_WORDS:
        problems.append(f"{words} words; a lesson body should have {MIN_WORDS} to {MAX_WORDS}")
    if problems:
        raise ContentError([_problem(relative, problem) for problem in problems])

    try_this = data["try_this"]
    values = {
        "slug": data["slug"],
        "title": data["title"].strip(),
        "position": data["order"],
        "summary": data["summary"].strip(),
        "audience": data["audience"],
        "covers": list(data["covers"]),
        "reflection": data["reflection"].strip(),
        "try_this": try_this["text"].strip(),
        "try_this_commitment": try_this["commitment"].strip(),
        "try_this_strategy": try_this["strategy"],
        "takeaways": [item.strip() for item in data["takeaways"]],
        "body_markdown": body,
        "body_html": html,
        "body_text": text,
        "toc": toc,
        "word_count": words,
        "reading_minutes": reading_minutes(words),
        "source_path": relative,
        "retired": False,
    }
    # A hash of what is stored rather than of the file, so that a change in how lessons
    # are rendered changes it too (it validates cached lesson pages).
    stored = json.dumps(values, sort_keys=True, ensure_ascii=False)
    values["content_hash"] = hashlib.sha256(stored.encode()).hexdigest()
    return LessonSource(relative, path.parent.name, values)


def _check_front_matter(data: dict) -> list[str]:
    problems, missing = key_problems(data.keys(), LESSON_KEYS)
    if missing:
        return problems

    slug = data["slug"]
    if not isinstance(slug, str) or not SLUG.match(slug) or len(slug) > 50:
        problems.append("slug should be lowercase words joined by hyphens (at most 50 characters)")
    if not _text(data["title"], 160):
        problems.append("title should be text of at most 160 characters")
    if not _whole_number(data["order"]):
        problems.append("order should be a whole number from 1")
    if not _text(data["summary"], 300):
        problems.append("summary should be text of at most 300 characters")
    if data["audience"] not in Audience.values:
        problems.append(f"audience '{data['audience']}' should be one of {quoted(Audience.values)}")
    covers = data["covers"]
    if not isinstance(covers, list) or not all(isinstance(c, str) for c in covers):
        problems.append("covers should be a list of content brief IDs, e.g. [R1, R2]")
    else:
        unknown_ids = [c for c in covers if not is_brief_id(c)]
        if unknown_ids:
            problems.append(f"covers has unknown content brief IDs: {', '.join(unknown_ids)}")
        repeated = sorted({c for c in covers if covers.count(c) > 1})
        if repeated:
            problems.append(f"covers lists {', '.join(repeated)} more than once")
    if not _text(data["reflection"]):
        problems.append("reflection should be text")
    problems += _check_try_this(data["try_this"])
    takeaways = data["takeaways"]
    if not isinstance(takeaways, list) or not all(_text(t) for t in takeaways):
        problems.append("takeaways should be a list of sentences")
    elif not MIN_TAKEAWAYS <= len(takeaways) <= MAX_TAKEAWAYS:
        problems.append(
            f"{len(takeaways)} takeaways; a lesson should have {MIN_TAKEAWAYS} to {MAX_TAKEAWAYS}"
        )
    return problems


def _check_try_this(try_this: object) -> list[str]:
    if not isinstance(try_this, dict):
        return ["try_this should be a mapping of text, commitment and strategy"]
    problems, missing = key_problems(
        try_this.keys(), TRY_THIS_KEYS, "try_this is missing", "try_this has unknown"
    )
    if missing:
        return problems
    if not _text(try_this["text"]):
        problems.append("try_this text should be text")
    if not _text(try_this["commitment"], 200):
        problems.append("try_this commitment should be text of at most 200 characters")
    if try_this["strategy"] not in Strategy.values:
        problems.append(
            f"try_this strategy '{try_this['strategy']}' should be one of {quoted(Strategy.values)}"
        )
    return problems


def _text(value: object, max_length: int | None = None) -> bool:
    return (
        isinstance(value, str)
        and bool(value.strip())
        and (max_length is None or len(value.strip()) <= max_length)
    )


def _whole_number(value: object) -> bool:
    # YAML reads `yes` as True, and True is an int in Python.
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 32767


def read_content(root: Path = CONTENT_DIR, helplines_file: Path | None = None) -> Content:
    """Reads and checks everything; raises ContentError listing every problem found.

    The helpline directory comes from the HELPLINES_FILE setting unless one is given.
    """
    stages, problems = read_stages(root)
    known = {stage.slug for stage in stages}
    lessons: list[LessonSource] = []
    for directory in sorted(p for p in root.iterdir() if p.is_dir()):
        if not any(directory.glob("*.md")):
            continue
        if directory.name not in known:
            problems.append(
                _problem(directory.name + "/", f"unknown stage directory (not in {STAGES_FILE})")
            )
            continue
        for path in sorted(directory.glob("*.md")):
            try:
                lessons.append(read_lesson(path, root))
            except ContentError as error:
                problems += error.problems
    problems += _check_across_files(lessons)
    tracks, track_problems = read_tracks(root, {lesson.slug for lesson in lessons})
    problems += track_problems
    helplines, helpline_problems = read_helplines(helplines_file or settings.HELPLINES_FILE)
    problems += helpline_problems
    if problems or helplines is None:
        raise ContentError(problems)
    return Content(stages, lessons, helplines, tracks)


def _check_across_files(lessons: list[LessonSource]) -> list[str]:
    problems = []
    by_slug: dict[str, list[str]] = {}
    by_order: dict[tuple[str, int], list[str]] = {}
    for lesson in lessons:
        by_slug.setdefault(lesson.slug, []).append(lesson.path)
        by_order.setdefault((lesson.stage_slug, lesson.values["position"]), []).append(lesson.path)
    for slug, paths in by_slug.items():
        if len(paths) > 1:
            problems.append(_problem(paths[1], f"slug '{slug}' is already used by {paths[0]}"))
    for (_, order), paths in by_order.items():
        if len(paths) > 1:
            problems.append(_problem(paths[1], f"order {order} is already used by {paths[0]}"))
    # Readers see "Lesson 3 of 6", so the orders in a stage must count 1, 2, 3... exactly.
    orders: dict[str, list[int]] = {}
    for stage_slug, order in by_order:
        orders.setdefault(stage_slug, []).append(order)
    for stage_slug, found in orders.items():
        if sorted(found) != list(range(1, len(found) + 1)):
            problems.append(
                _problem(
                    f"{stage_slug}/",
                    f"lesson orders should run from 1 to {len(found)} without gaps "
                    f"(found {', '.join(map(str, sorted(found)))})",
                )
            )
    return problems
