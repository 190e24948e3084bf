"""Small, explicit builders for journal test data (no dependency on the lesson loader)."""

import datetime

from django.utils import timezone

from guides.models import Lesson, Stage
from journal.models import CheckIn, Commitment, CommitmentStatus, LessonReflection

# Typed by "people" in tests; it must never appear in a raw column or a log.
SECRET = "PLAINTEXT-CANARY-4b1d"


def make_stage(slug: str = "roots", position: int = 1, title: str = "Roots of distrust") -> Stage:
    return Stage.objects.create(slug=slug, title=title, summary="A stage.", position=position)


def make_lesson(stage: Stage | None = None, slug: str = "keeping-your-word", **fields) -> Lesson:
    stage = stage or Stage.objects.first() or make_stage()
    values = {
        "title": "Keeping your word",
        "position": Lesson.objects.filter(stage=stage).count() + 1,
        "summary": "Small promises, kept.",
        "reflection": "Which small promise do you make most often?",
        "try_this": "For a week, only make promises you can keep.",
        "try_this_commitment": "Make only promises I can keep this week",
        "try_this_strategy": "reliability",
        "body_markdown": "Body.",
        "body_html": "<p>Body.</p>",
        "source_path": f"{stage.slug}/{slug}.md",
        "content_hash": "0" * 64,
        **fields,
    }
    return Lesson.objects.create(stage=stage, slug=slug, **values)


def make_commitment(user, text: str = "Call at lunch", **fields) -> Commitment:
    values = {"strategy": "reliability", **fields}
    return Commitment.objects.create(user=user, text=text, **values)


def resolved(user, status: str, days_ago: float = 1, **fields) -> Commitment:
    when = timezone.now() - datetime.timedelta(days=days_ago)
    return make_commitment(user, status=status, resolved_at=when, **fields)


def make_checkin(user, date: datetime.date | None = None, **fields) -> CheckIn:
    values = {"trust": 6, "communication": 3, "connection": 4, **fields}
    return CheckIn.objects.create(user=user, date=date or timezone.localdate(), **values)


def make_reflection(
    user, lesson: Lesson, text: str = "Calling when I said I would."
) -> LessonReflection:
    return LessonReflection.objects.create(user=user, lesson=lesson, text=text)


def checkin_data(**overrides) -> dict:
    """A valid check-in form post."""
    return {
        "date": timezone.localdate().isoformat(),
        "trust": "6",
        "communication": "3",
        "connection": "4",
        "working": "Walks after dinner",
        "needs_work": "Replying sooner",
        "appreciation": "The morning tea",
        "prompt": "",
        "prompt_answer": "",
        "safety_concern": "",
        "private_note": "Only for me",
        "lesson": "",
        **overrides,
    }


def commitment_data(**overrides) -> dict:
    return {
        "text": "Call when I said I would",
        "due_date": "",
        "due_time": "",
        "strategy": "reliability",
        "lesson": "",
        "note": "",
        **overrides,
    }


KEPT = CommitmentStatus.KEPT
MISSED = CommitmentStatus.MISSED
RENEGOTIATED = CommitmentStatus.RENEGOTIATED
OPEN = CommitmentStatus.OPEN
