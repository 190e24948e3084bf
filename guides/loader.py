"""Loads the lesson files under guides/content, and the helpline directory, into the database.

The files are the source of truth. Every file is read, rendered and checked before
anything is written (guides.content), and the writes happen in one transaction, so a bad
file leaves the database exactly as it was. Running the load twice writes nothing the
second time.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from .caching import forget_course
from .content import CONTENT_DIR, STAGES_FILE, Content, LessonSource, StageSource, read_content
from .helplines import HelplineDirectory
from .models import Helpline, HelplineNote, Lesson, PathStep, Stage
from .tracks import TrackSource, path_rows


@dataclass
class SyncReport:
    stages_created: list[str] = field(default_factory=list)
    stages_updated: list[str] = field(default_factory=list)
    stages_unchanged: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    helplines: int = 0
    helplines_changed: bool = False
    tracks: int = 0
    tracks_changed: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return (
            len(self.stages_created)
            + len(self.stages_updated)
            + len(self.created)
            + len(self.updated)
            + len(self.retired)
            + self.helplines_changed
            + self.tracks_changed
        )

    def summary(self) -> str:
        lines = [
            f"Stages: {len(self.stages_created)} created, {len(self.stages_updated)} updated, "
            f"{len(self.stages_unchanged)} unchanged.",
            f"Lessons: {len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.retired)} retired.",
            f"Helplines: {self.helplines} "
            + ("written." if self.helplines_changed else "unchanged."),
            f"Paths: {self.tracks} tracks " + ("written." if self.tracks_changed else "unchanged."),
            *self.notes,
            f"{self.changed} changed.",
        ]
        return "\n".join(lines)


def sync(
    root: Path = CONTENT_DIR, *, helplines_file: Path | None = None, dry_run: bool = False
) -> SyncReport:
    """Brings the database in line with the content files; see the module docstring."""
    return write_content(read_content(root, helplines_file), dry_run=dry_run)


def write_content(content: Content, *, dry_run: bool = False) -> SyncReport:
    report = SyncReport()
    with transaction.atomic():
        stages = _sync_stages(content.stages, report)
        _sync_lessons(content.lessons, stages, report)
        _sync_helplines(content.helplines, report)
        _sync_tracks(content.tracks, report)
        if dry_run:
            transaction.set_rollback(True)
    forget_course()
    return report


def _sync_stages(sources: list[StageSource], report: SyncReport) -> dict[str, Stage]:
    existing = {stage.slug: stage for stage in Stage.objects.all()}
    wanted = {source.position: source.slug for source in sources}
    # Positions are unique, so a stage sitting on a position another stage now wants
    # first moves to a free one; that makes swapping two stages possible.
    free = max([*wanted, *(stage.position for stage in existing.values())], default=0) + 1
    for stage in existing.values():
        if wanted.get(stage.position, stage.slug) != stage.slug:
            stage.position = free
            free += 1
            stage.save(update_fields=["position"])
    for slug in sorted(existing.keys() - {source.slug for source in sources}):
        report.notes.append(f"Stage no longer in {STAGES_FILE}: {slug} (left in place).")

    stages = {}
    for source in sources:
        values = {"title": source.title, "position": source.position, "summary": source.summary}
        found = existing.get(source.slug)
        if found is None:
            stage = Stage.objects.create(slug=source.slug, **values)
            report.stages_created.append(source.slug)
        else:
            stage = found
            changed = _apply(stage, values)
            if changed:
                stage.save(update_fields=changed)
                report.stages_updated.append(source.slug)
            else:
                report.stages_unchanged.append(source.slug)
        stages[source.slug] = stage
    return stages


def _sync_lessons(
    sources: list[LessonSource], stages: dict[str, Stage], report: SyncReport
) -> None:
    existing = {lesson.slug: lesson for lesson in Lesson.objects.all()}
    for source in sources:
        values = {**source.values, "stage": stages[source.stage_slug]}
        lesson = existing.pop(source.slug, None)
        if lesson is None:
            Lesson.objects.create(**values)
            report.created.append(source.slug)
            continue
        was_retired, old_path = lesson.retired, lesson.source_path
        changed = _apply(lesson, values)
        if not changed:
            report.unchanged.append(source.slug)
            continue
        lesson.save(update_fields=[*changed, "updated_at"])
        report.updated.append(source.slug)
        if was_retired:
            report.notes.append(f"Restored: {source.slug} (its file is back: {source.path}).")
        elif old_path != source.path:
            report.notes.append(f"Moved: {source.slug} from {old_path} to {source.path}.")

    created_from = {s.path: s.slug for s in sources if s.slug in report.created}
    for lesson in existing.values():
        if lesson.retired:
            continue
        lesson.retired = True
        lesson.save(update_fields=["retired", "updated_at"])
        report.retired.append(lesson.slug)
        if lesson.source_path in created_from:
            report.notes.append(
                f"Renamed: {lesson.slug} is now {created_from[lesson.source_path]} "
                f"({lesson.source_path}); the old lesson is retired and keeps its progress."
            )
        else:
            report.notes.append(
                f"Retired: {lesson.slug} (its file {lesson.source_path} is gone); "
                "reading progress on it is kept."
            )


def _sync_helplines(directory: HelplineDirectory, report: SyncReport) -> None:
    """The directory is small and has no natural key, so it is replaced as a whole, and
    only when something in it differs."""
    fields = list(directory.entries[0]) if directory.entries else []
    stored = list(Helpline.objects.order_by("position").values(*fields))
    notes = list(HelplineNote.objects.values_list("find_local", flat=True))
    report.helplines = len(directory.entries)
    if stored == directory.entries and notes == [directory.find_local]:
        return
    Helpline.objects.all().delete()
    Helpline.objects.bulk_create(Helpline(**values) for values in directory.entries)
    HelplineNote.objects.all().delete()
    HelplineNote.objects.create(find_local=directory.find_local)
    report.helplines_changed = True


def _sync_tracks(tracks: list[TrackSource], report: SyncReport) -> None:
    """Like the helplines: replaced as a whole, and only when something differs."""
    report.tracks = len(tracks)
    wanted = path_rows(tracks)
    stored = sorted(
        PathStep.objects.values_list("side", "situation", "position", "lesson__slug", "track")
    )
    if stored == wanted:
        return
    lessons = dict(Lesson.objects.values_list("slug", "pk"))
    PathStep.objects.all().delete()
    PathStep.objects.bulk_create(
        PathStep(
            side=side,
            situation=situation,
            position=position,
            lesson_id=lessons[slug],
            track=name,
        )
        for side, situation, position, slug, name in wanted
    )
    report.tracks_changed = True


def _apply(instance: Stage | Lesson, values: dict[str, Any]) -> list[str]:
    """Sets the values that differ; returns the names of the fields that changed."""
    changed = []
    for name, value in values.items():
        if name == "stage":
            if instance.stage_id != value.pk:  # type: ignore[union-attr]
                instance.stage = value  # type: ignore[union-attr]
                changed.append(name)
        elif getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed
