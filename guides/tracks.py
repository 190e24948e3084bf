"""Reads and checks the paths through the course (guides/content/paths.yaml).

"Start here" asks which side of the doubt a person is on and what is going on; the
answers pick one track, an ordered list of lessons. Tracks are content, not code, so
writers change them in the file and `manage.py sync_guides` checks and loads them with
the lessons: every lesson named must exist, and every combination of answers must be
covered by exactly one track.
"""

from dataclasses import dataclass
from itertools import product
from pathlib import Path

import yaml

from .models import Side, Situation
from .problems import quoted, yaml_problem

PATHS_FILE = "paths.yaml"
TRACK_KEYS = {"name", "sides", "situations", "lessons"}
MAX_LESSONS = 15


@dataclass(frozen=True)
class TrackSource:
    name: str
    sides: tuple[str, ...]
    situations: tuple[str, ...]
    lessons: tuple[str, ...]


def every_combination() -> list[tuple[str, str]]:
    return list(product(Side.values, Situation.values))


def read_tracks(root: Path, lesson_slugs: set[str]) -> tuple[list[TrackSource], list[str]]:
    """The tracks in `root`/paths.yaml, or every problem found (named by file and track).

    No file means no paths: "start here" then shows the whole course.
    """
    path = root / PATHS_FILE
    if not path.is_file():
        return [], []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        return [], [f"{PATHS_FILE}: not valid YAML ({yaml_problem(error)})"]
    if not isinstance(data, list) or not data:
        return [], [f"{PATHS_FILE}: should be a list of tracks"]

    tracks: list[TrackSource] = []
    problems: list[str] = []
    for number, item in enumerate(data, start=1):
        name = item.get("name") if isinstance(item, dict) else None
        where = f"{PATHS_FILE}, track {number}" + (f" ({name})" if isinstance(name, str) else "")
        found = _check_track(item, lesson_slugs)
        if found:
            problems += [f"{where}: {problem}" for problem in found]
        else:
            tracks.append(
                TrackSource(
                    item["name"],
                    tuple(item["sides"]),
                    tuple(item["situations"]),
                    tuple(item["lessons"]),
                )
            )
    names = [track.name for track in tracks]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"{PATHS_FILE}: the name {name} is used by two tracks")
    if not problems:
        problems += _check_coverage(tracks)
    return (tracks, []) if not problems else ([], problems)


def _check_track(item: object, lesson_slugs: set[str]) -> list[str]:
    if not isinstance(item, dict):
        return ["should be a mapping of name, sides, situations and lessons"]
    problems = [f"missing '{key}'" for key in sorted(TRACK_KEYS - item.keys())]
    problems += [f"unknown '{key}'" for key in sorted(item.keys() - TRACK_KEYS)]
    if problems:
        return problems
    name = item["name"]
    if not isinstance(name, str) or not name.strip() or len(name) > 60:
        problems.append("name should be a short slug, e.g. doubted-after-a-breach")
    for key, allowed in (("sides", Side.values), ("situations", Situation.values)):
        values = item[key]
        if not isinstance(values, list) or not values:
            problems.append(f"{key} should be a list of {quoted(allowed)}")
            continue
        unknown = [v for v in values if v not in allowed]
        if unknown:
            problems.append(f"{key} has {quoted(map(str, unknown))}; use {quoted(allowed)}")
    lessons = item["lessons"]
    if not isinstance(lessons, list) or not lessons or not all(isinstance(s, str) for s in lessons):
        problems.append("lessons should be a list of lesson slugs")
        return problems
    if len(lessons) > MAX_LESSONS:
        problems.append(f"{len(lessons)} lessons; a path should have at most {MAX_LESSONS}")
    missing = [slug for slug in lessons if slug not in lesson_slugs]
    if missing:
        problems.append(f"no lesson has the slug {quoted(missing)}")
    repeated = sorted({slug for slug in lessons if lessons.count(slug) > 1})
    if repeated:
        problems.append(f"lists {quoted(repeated)} more than once")
    return problems


def _check_coverage(tracks: list[TrackSource]) -> list[str]:
    """Every combination of answers has exactly one track."""
    owners: dict[tuple[str, str], list[str]] = {}
    for track in tracks:
        for combination in product(track.sides, track.situations):
            owners.setdefault(combination, []).append(track.name)
    problems = []
    for side, situation in every_combination():
        names = owners.get((side, situation), [])
        if not names:
            problems.append(f"{PATHS_FILE}: no track for side {side} with situation {situation}")
        elif len(names) > 1:
            problems.append(
                f"{PATHS_FILE}: side {side} with situation {situation} is in two tracks "
                f"({', '.join(names)})"
            )
    return problems


def path_rows(tracks: list[TrackSource]) -> list[tuple[str, str, int, str, str]]:
    """(side, situation, position, lesson slug, track name), in a stable order."""
    return sorted(
        (side, situation, position, slug, track.name)
        for track in tracks
        for side, situation in product(track.sides, track.situations)
        for position, slug in enumerate(track.lessons, start=1)
    )
