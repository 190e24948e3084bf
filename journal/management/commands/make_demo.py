"""A demo account with about three months of journal entries, for trying the app out.

Run after `migrate` and `sync_guides` (`make demo` does all three). The account
`demo` is replaced if it exists; its new random password is printed once.
"""

import datetime
import random
import secrets

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from guides.models import Lesson, Strategy
from guides.progress import mark_complete, record_view
from journal.models import CheckIn, Commitment, CommitmentStatus, LessonReflection
from journal.suggestions import PROMPTS, SUGGESTIONS
from trustrepair.models import User

USERNAME = "demo"
DAYS = 91

WORKING = (
    "We talked over dinner without phones.",
    "They noticed I called when I said I would.",
    "Saturday morning walk, just the two of us.",
    "We laughed about something silly for the first time in a while.",
    "I said what was bothering me calmly, and they listened.",
    "Sharing our plans for the week on Sunday evening helps.",
    "We cooked together and it felt easy.",
    "Fewer late-night arguments this week.",
)
NEEDS_WORK = (
    "I still go quiet when I feel accused.",
    "Replying to messages when I'm busy at work.",
    "We keep putting off the talk about money.",
    "I checked their phone in my head again, even if I didn't ask.",
    "Getting defensive when plans change.",
    "Making time for each other on weekdays.",
    "Saying sorry without adding a 'but'.",
)
APPRECIATION = (
    "They made tea before I woke up.",
    "They asked how my appointment went.",
    "They told me about their day without me asking.",
    "They were patient when I was anxious.",
    "They remembered the thing I mentioned last week.",
    "A kind message in the middle of the afternoon.",
)
PROMPT_ANSWERS = (
    "A couple of small wins: I was on time every day, and we had one good long talk.",
    "The doubt came back when a plan changed last minute, but I asked instead of assuming.",
    "I notice I get tense in the evenings when I'm tired. Naming it helped.",
    "We agreed the shared location can stop at the end of the month.",
)
NOTES = (
    "Hard week at work; I think that made me touchier.",
    "Felt hopeful today.",
    "I want to bring up counselling again, gently.",
    "",
    "",
)
REASONS = (
    "Told them in the morning that work ran late, and moved it to Thursday.",
    "My sister needed help; I said so straight away and we picked another day.",
    "Said early that I'd be an hour late because of the train strike.",
)
REFLECTIONS = (
    "I think the doubt started long before us. Saying that out loud made it smaller.",
    "The promise I make most is 'I'll call at lunch'. I keep it most days, not all.",
    "I want openness to be something I offer, not something I'm made to do.",
    "When I listen without planning my answer, the talk goes better.",
)


def eased(day: int, start: float, end: float, rng: random.Random, spread: float) -> float:
    """A gently improving value with a little day-to-day noise."""
    return start + (end - start) * day / DAYS + rng.uniform(-spread, spread)


def clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


class Command(BaseCommand):
    help = "Create (or replace) the demo account with three months of journal entries."

    def handle(self, *args: object, **options: object) -> None:
        rng = random.Random(2024)  # noqa: S311 - demo data, not secrets
        password = secrets.token_urlsafe(12)
        with transaction.atomic():
            User.objects.filter(username=USERNAME).delete()
            user = User.objects.create_user(username=USERNAME, password=password)
            lessons = list(Lesson.objects.published().select_related("stage").in_course_order())
            counts = self.fill(user, lessons, rng)
        self.stdout.write(
            f"Demo account ready: {counts['commitments']} commitments, "
            f"{counts['checkins']} check-ins, {counts['reflections']} reflections."
        )
        self.stdout.write(f"Username: {USERNAME}")
        self.stdout.write(f"Password: {password}  (shown once; run again for a new one)")

    def fill(self, user: User, lessons: list[Lesson], rng: random.Random) -> dict[str, int]:
        now = timezone.now()
        today = timezone.localdate()
        start = today - datetime.timedelta(days=DAYS - 1)
        # Roughly one lesson a week, so the check-ins move through the stages.
        reached = lessons[: min(len(lessons), DAYS // 7)]

        def lesson_on(day: int) -> Lesson | None:
            return reached[min(day // 7, len(reached) - 1)] if reached else None

        def moment(day: int, hour: int) -> datetime.datetime:
            local = datetime.datetime.combine(
                start + datetime.timedelta(days=day), datetime.time(hour, rng.randint(0, 59))
            )
            return min(timezone.make_aware(local), now)

        checkins = []
        for day in range(DAYS):
            # Two or three check-ins a week, on no fixed schedule.
            if rng.random() > 0.36 and day != DAYS - 1:
                continue
            lesson = lesson_on(day)
            prompt, answer = ("", "")
            if rng.random() < 0.3:
                prompt, _ = rng.choice(PROMPTS)
                answer = rng.choice(PROMPT_ANSWERS)
            checkins.append(
                CheckIn(
                    user=user,
                    date=start + datetime.timedelta(days=day),
                    trust=clamp(eased(day, 4, 7.5, rng, 1.2), 1, 10),
                    communication=clamp(eased(day, 2.2, 4, rng, 0.7), 1, 5),
                    connection=clamp(eased(day, 2, 4, rng, 0.7), 1, 5),
                    working=rng.choice(WORKING),
                    needs_work=rng.choice(NEEDS_WORK),
                    appreciation=rng.choice(APPRECIATION),
                    prompt=prompt,
                    prompt_answer=answer,
                    safety_concern=rng.choice([False, False, None]),
                    private_note=rng.choice(NOTES),
                    lesson=lesson,
                    stage=lesson.stage if lesson else None,
                    created_at=moment(day, 21),
                )
            )
        CheckIn.objects.bulk_create(checkins)

        ideas: list[tuple[str, str, Lesson | None]] = [
            (s.text, s.strategy, None) for s in SUGGESTIONS
        ]
        ideas += [(x.try_this_commitment, x.try_this_strategy, x) for x in reached]
        commitments = []
        for day in range(0, DAYS, 2):
            text, strategy, lesson = rng.choice(ideas)
            made = moment(day, 8)
            due = start + datetime.timedelta(days=day + rng.randint(0, 4))
            commitment = Commitment(
                user=user,
                text=text,
                strategy=strategy if strategy in Strategy.values else Strategy.RELIABILITY,
                lesson=lesson,
                due_date=due,
                due_time=datetime.time(18, 0) if rng.random() < 0.3 else None,
                created_at=made,
            )
            if due < today - datetime.timedelta(days=1) or (due < today and rng.random() < 0.7):
                # Keeping promises gets easier as the weeks go by.
                roll = rng.random()
                kept_share = 0.6 + 0.25 * day / DAYS
                if roll < kept_share:
                    commitment.status = CommitmentStatus.KEPT
                elif roll < kept_share + 0.1:
                    commitment.status = CommitmentStatus.RENEGOTIATED
                    commitment.renegotiation_reason = rng.choice(REASONS)
                else:
                    commitment.status = CommitmentStatus.MISSED
                resolved_day = (due - start).days
                commitment.resolved_at = max(made, moment(resolved_day, 20))
            commitments.append(commitment)
        Commitment.objects.bulk_create(commitments)

        reflections = [
            LessonReflection(
                user=user,
                lesson=lesson,
                text=REFLECTIONS[i % len(REFLECTIONS)],
                created_at=moment(i * 7 + 2, 22),
            )
            for i, lesson in enumerate(reached[:: max(1, len(reached) // 4)][:4])
        ]
        LessonReflection.objects.bulk_create(reflections)

        for lesson in reached[:-1]:
            mark_complete(user, lesson)
        if reached:
            record_view(user, reached[-1])
        return {
            "commitments": len(commitments),
            "checkins": len(checkins),
            "reflections": len(reflections),
        }
