"""Made-up journals: the demo account's (`manage.py make_demo`) and the benchmark's people.

One generator for both, so the benchmark measures the shapes of data a person sees in
the demo, only more of them. Rows go in with bulk_create, so two years of daily
check-ins take seconds; the caller's seeded random.Random makes every run the same.
"""

import datetime
import random
from dataclasses import dataclass

from django.utils import timezone

from guides.models import Lesson, LessonProgress, Strategy
from trustrepair.models import User

from .models import CheckIn, Commitment, CommitmentStatus, LessonReflection
from .suggestions import PROMPTS, SUGGESTIONS

BATCH = 500

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


@dataclass(frozen=True)
class Shape:
    """How much of a journal to make."""

    days: int
    # The share of days with a check-in; the last day always has one.
    checkin_chance: float
    commitments: int
    reflections: int
    # Lessons started, in course order (all but the last one completed); None: one a week.
    lessons_reached: int | None = None


DEMO = Shape(days=91, checkin_chance=0.36, commitments=46, reflections=4)


def clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


class _Journal:
    def __init__(
        self,
        user: User,
        lessons: list[Lesson],
        rng: random.Random,
        shape: Shape,
        last: datetime.date,
    ) -> None:
        self.user, self.rng, self.shape = user, rng, shape
        self.start = last - datetime.timedelta(days=shape.days - 1)
        self.last = last
        self.now = timezone.now()
        reached = shape.days // 7 if shape.lessons_reached is None else shape.lessons_reached
        # Roughly one lesson a week, so the check-ins move through the stages.
        self.reached = lessons[: min(len(lessons), reached)]

    def eased(self, day: int, start: float, end: float, spread: float) -> float:
        """A gently improving value with a little day-to-day noise."""
        return start + (end - start) * day / self.shape.days + self.rng.uniform(-spread, spread)

    def lesson_on(self, day: int) -> Lesson | None:
        if not self.reached:
            return None
        return self.reached[min(day * len(self.reached) // self.shape.days, len(self.reached) - 1)]

    def moment(self, day: int, hour: int) -> datetime.datetime:
        local = datetime.datetime.combine(
            self.start + datetime.timedelta(days=day), datetime.time(hour, self.rng.randint(0, 59))
        )
        return min(timezone.make_aware(local), self.now)

    def checkins(self) -> list[CheckIn]:
        rng, rows = self.rng, []
        for day in range(self.shape.days):
            if rng.random() > self.shape.checkin_chance and day != self.shape.days - 1:
                continue
            lesson = self.lesson_on(day)
            prompt, answer = "", ""
            if rng.random() < 0.3:
                prompt, _ = rng.choice(PROMPTS)
                answer = rng.choice(PROMPT_ANSWERS)
            rows.append(
                CheckIn(
                    user=self.user,
                    date=self.start + datetime.timedelta(days=day),
                    trust=clamp(self.eased(day, 4, 7.5, 1.2), 1, 10),
                    communication=clamp(self.eased(day, 2.2, 4, 0.7), 1, 5),
                    connection=clamp(self.eased(day, 2, 4, 0.7), 1, 5),
                    working=rng.choice(WORKING),
                    needs_work=rng.choice(NEEDS_WORK),
                    appreciation=rng.choice(APPRECIATION),
                    prompt=prompt,
                    prompt_answer=answer,
                    safety_concern=rng.choice([False, False, None]),
                    private_note=rng.choice(NOTES),
                    lesson=lesson,
                    stage=lesson.stage if lesson else None,
                    created_at=self.moment(day, 21),
                )
            )
        return rows

    def commitments(self) -> list[Commitment]:
        rng, days, rows = self.rng, self.shape.days, []
        ideas: list[tuple[str, str, Lesson | None]] = [
            (s.text, s.strategy, None) for s in SUGGESTIONS
        ]
        ideas += [(x.try_this_commitment, x.try_this_strategy, x) for x in self.reached]
        for n in range(self.shape.commitments):
            day = n * days // self.shape.commitments
            text, strategy, lesson = rng.choice(ideas)
            made = self.moment(day, 8)
            due = self.start + datetime.timedelta(days=day + rng.randint(0, 4))
            row = Commitment(
                user=self.user,
                text=text,
                strategy=strategy if strategy in Strategy.values else Strategy.RELIABILITY,
                lesson=lesson,
                due_date=due if rng.random() < 0.9 else None,
                due_time=datetime.time(18, 0) if rng.random() < 0.3 else None,
                note=rng.choice(NOTES) if rng.random() < 0.25 else "",
                created_at=made,
            )
            # Past promises are settled, but for the odd one forgotten (shown as overdue).
            past = due < self.last - datetime.timedelta(days=1) or (
                due < self.last and rng.random() < 0.7
            )
            if past and rng.random() > 0.03:
                # Keeping promises gets easier as the weeks go by.
                roll, kept_share = rng.random(), 0.6 + 0.25 * day / days
                if roll < kept_share:
                    row.status = CommitmentStatus.KEPT
                elif roll < kept_share + 0.1:
                    row.status = CommitmentStatus.RENEGOTIATED
                    row.renegotiation_reason = rng.choice(REASONS)
                else:
                    row.status = CommitmentStatus.MISSED
                row.resolved_at = max(made, self.moment((due - self.start).days, 20))
            rows.append(row)
        return rows

    def reflections(self) -> list[LessonReflection]:
        count = self.shape.reflections
        picked = self.reached[:: max(1, len(self.reached) // max(count, 1))][:count]
        return [
            LessonReflection(
                user=self.user,
                lesson=lesson,
                text=REFLECTIONS[i % len(REFLECTIONS)],
                created_at=self.moment(min(i * 7 + 2, self.shape.days - 1), 22),
            )
            for i, lesson in enumerate(picked)
        ]

    def progress(self) -> list[LessonProgress]:
        rows = []
        for index, lesson in enumerate(self.reached):
            day = index * self.shape.days // max(len(self.reached), 1)
            started = self.moment(day, 20)
            last = index == len(self.reached) - 1
            rows.append(
                LessonProgress(
                    user=self.user,
                    lesson=lesson,
                    started_at=started,
                    last_viewed_at=self.now if last else started,
                    completed_at=None if last else started,
                )
            )
        return rows


def fill_journal(
    user: User,
    lessons: list[Lesson],
    rng: random.Random,
    shape: Shape = DEMO,
    last_day: datetime.date | None = None,
) -> dict[str, int]:
    """Writes a journal of `shape` for `user` ending on `last_day` (today); returns counts."""
    journal = _Journal(user, lessons, rng, shape, last_day or timezone.localdate())
    checkins, commitments = journal.checkins(), journal.commitments()
    reflections, progress = journal.reflections(), journal.progress()
    CheckIn.objects.bulk_create(checkins, batch_size=BATCH)
    Commitment.objects.bulk_create(commitments, batch_size=BATCH)
    LessonReflection.objects.bulk_create(reflections, batch_size=BATCH)
    LessonProgress.objects.bulk_create(progress, batch_size=BATCH)
    return {
        "checkins": len(checkins),
        "commitments": len(commitments),
        "reflections": len(reflections),
        "lessons": len(progress),
    }
