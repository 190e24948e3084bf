"""Joint check-ins: asked of both, answered alone, shown side by side once both have answered."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from journal.scales import SCALES, Scale
from trustrepair.models import User

from .models import CHECKIN_DAYS, JointAnswer, JointCheckIn, Link

ANSWER_FIELDS = ("trust", "communication", "connection", "working", "would_help", "private_note")


@dataclass(frozen=True)
class Gap:
    scale: Scale
    mine: int
    theirs: int

    @property
    def apart(self) -> int:
        return abs(self.mine - self.theirs)


@dataclass
class Pair:
    """A joint check-in as one of its two people sees it."""

    checkin: JointCheckIn
    mine: JointAnswer
    theirs: JointAnswer

    @property
    def theirs_visible(self) -> bool:
        return self.theirs.shown_beside(self.mine)

    @property
    def mine_visible(self) -> bool:
        """Whether the partner can read my answers now."""
        return self.mine.shown_beside(self.theirs)

    @property
    def can_answer(self) -> bool:
        return self.checkin.is_open and not self.mine.answered

    @property
    def can_reveal(self) -> bool:
        return self.checkin.is_open and self.mine.answered and not self.mine_visible

    @property
    def waiting(self) -> bool:
        return self.checkin.is_open and self.mine.answered and not self.theirs.answered

    @property
    def both_answered(self) -> bool:
        return self.mine.answered and self.theirs.answered

    def gaps(self) -> list[Gap]:
        """Each rating side by side, once both are there to compare."""
        if not (self.mine.answered and self.theirs_visible):
            return []
        return [
            Gap(scale, getattr(self.mine, scale.field), getattr(self.theirs, scale.field))
            for scale in SCALES
        ]


def between(user: User, partner: User) -> QuerySet[JointCheckIn]:
    """The joint check-ins of these two people, newest first."""
    return JointCheckIn.objects.filter(answers__user=user).filter(answers__user=partner)


def pair(checkin_pk: int, user: User, partner: User) -> Pair | None:
    """The check-in as `user` sees it, if both `user` and their partner are in it."""
    answers = {
        a.user_id: a
        for a in JointAnswer.objects.filter(
            checkin_id=checkin_pk, user__in=[user, partner]
        ).select_related("checkin")
    }
    if user.pk not in answers or partner.pk not in answers:
        return None
    mine = answers[user.pk]
    return Pair(mine.checkin, mine, answers[partner.pk])


def pairs(user: User, partner: User, limit: int = 50) -> list[Pair]:
    """The latest joint check-ins of the two, each as `user` sees it (two queries)."""
    checkins = list(between(user, partner)[:limit])
    answers = JointAnswer.objects.filter(checkin__in=checkins, user__in=[user, partner])
    by_checkin: dict[int, dict[int, JointAnswer]] = {}
    for answer in answers:
        by_checkin.setdefault(answer.checkin_id, {})[answer.user_id] = answer
    return [
        Pair(c, by_checkin[c.pk][user.pk], by_checkin[c.pk][partner.pk])
        for c in checkins
        if len(by_checkin.get(c.pk, {})) == 2
    ]


def open_pair(user: User, partner: User) -> Pair | None:
    checkin = between(user, partner).filter(closes_at__gt=timezone.now()).first()
    return pair(checkin.pk, user, partner) if checkin else None


@transaction.atomic
def ask(user: User, partner: User) -> tuple[JointCheckIn, bool]:
    """Opens a joint check-in for the two, unless one is open already (then that one)."""
    # Both link rows locked: two people asking at once make one check-in, not two.
    list(Link.objects.select_for_update().filter(user__in=[user, partner]))
    existing = between(user, partner).filter(closes_at__gt=timezone.now()).first()
    if existing is not None:
        return existing, False
    checkin = JointCheckIn.objects.create(
        asked_on=timezone.localdate(),
        closes_at=timezone.now() + datetime.timedelta(days=CHECKIN_DAYS),
    )
    JointAnswer.objects.bulk_create(
        [
            JointAnswer(checkin=checkin, user=user, asked=True),
            JointAnswer(checkin=checkin, user=partner),
        ]
    )
    return checkin, True


@transaction.atomic
def answer(mine: JointAnswer, values: dict) -> bool:
    """Saves the person's answers once, while the check-in is open; False if too late."""
    fresh = (
        JointAnswer.objects.select_for_update()
        .select_related("checkin")
        .filter(pk=mine.pk, answered=False)
        .first()
    )
    if fresh is None or not fresh.checkin.is_open:
        return False
    for name in ANSWER_FIELDS:
        setattr(fresh, name, values[name])
    fresh.answered = True
    fresh.save()
    return True


def reveal(mine: JointAnswer) -> bool:
    """Shows the person's own answers to their partner before the partner has answered."""
    updated = JointAnswer.objects.filter(
        pk=mine.pk, answered=True, checkin__closes_at__gt=timezone.now()
    ).update(revealed=True)
    return bool(updated)
