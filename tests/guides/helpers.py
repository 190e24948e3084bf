"""Small content directories for loader tests, and shortcuts for lessons, progress and
their pages."""

import re
from datetime import timedelta
from pathlib import Path

import yaml
from django.urls import reverse
from django.utils import timezone

from guides.models import Lesson, LessonProgress
from trustrepair.models import User

STAGES = [
    {"slug": "first-steps", "title": "First steps", "position": 1, "summary": "Where to begin."},
    {"slug": "next-steps", "title": "Next steps", "position": 2, "summary": "Where to go next."},
]


def front_matter(slug: str, order: int, **overrides: object) -> dict:
    data = {
        "slug": slug,
        "title": f"The {slug.replace('-', ' ')} lesson",
        "order": order,
        "summary": f"A short summary of {slug}.",
        "audience": "both",
        "covers": [],
        "reflection": "What do you notice?",
        "try_this": {
            "text": "Write one line a day.",
            "commitment": "Write one line a day this week",
            "strategy": "self_awareness",
        },
        "takeaways": ["First point.", "Second point.", "Third point."],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def body(words: int = 520, extra: str = "") -> str:
    filler = " ".join(["calm"] * (words - 12))
    return (
        f"## Why it matters\n\nSome words here. {filler}\n\n"
        f"## Example: a quiet evening\n\nA short story.\n{extra}"
    )


def lesson_file(slug: str, order: int, words: int = 520, extra: str = "", **overrides) -> str:
    return (
        f"---\n{yaml.safe_dump(front_matter(slug, order, **overrides))}---\n\n{body(words, extra)}"
    )


def write_lesson(root: Path, stage: str, name: str, text: str) -> Path:
    path = root / stage / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def make_content(root: Path) -> Path:
    """Two stages: first-steps with two lessons, next-steps with one."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "stages.yaml").write_text(yaml.safe_dump(STAGES), encoding="utf-8")
    write_lesson(root, "first-steps", "01-alpha.md", lesson_file("alpha", 1))
    write_lesson(root, "first-steps", "02-beta.md", lesson_file("beta", 2))
    write_lesson(root, "next-steps", "01-gamma.md", lesson_file("gamma", 1))
    return root


def lesson(slug: str) -> Lesson:
    return Lesson.objects.select_related("stage").get(slug=slug)


def complete(user: User, *slugs: str) -> None:
    now = timezone.now()
    for slug in slugs:
        LessonProgress.objects.update_or_create(
            user=user,
            lesson=lesson(slug),
            defaults={"started_at": now, "last_viewed_at": now, "completed_at": now},
        )


def open_lesson(user: User, slug: str, minutes_ago: int = 0) -> LessonProgress:
    when = timezone.now() - timedelta(minutes=minutes_ago)
    progress, _ = LessonProgress.objects.update_or_create(
        user=user, lesson=lesson(slug), defaults={"started_at": when, "last_viewed_at": when}
    )
    return progress


def lesson_url(slug: str) -> str:
    found = lesson(slug)
    return reverse("guides:lesson", args=[found.stage.slug, found.slug])


def progress_values(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<progress id="[^"]+" max="(\d+)" value="(\d+)"', html)
