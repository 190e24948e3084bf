"""Couple mode: two accounts linked by consent, joint check-ins, commitments a partner may see.

Nothing here records when anyone signed in, read or wrote: the only dates are the
ones the pages need (when an invitation stops working, which week a joint check-in
is for and when it closes). Everything a person writes is encrypted at rest.
"""

import datetime

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from journal.models import NOTE_MAX, Commitment, scale_validators
from journal.scales import COMMUNICATION, CONNECTION, SCALES, TRUST
from trustrepair.crypto import EncryptedTextField
from trustrepair.models import User

INVITATION_DAYS = 7
CHECKIN_DAYS = 7
SHORT_ANSWER_MAX = 500


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def live(self) -> "InvitationQuerySet":
        return self.filter(expires_at__gt=timezone.now(), user__is_active=True)


class Invitation(models.Model):
    """A one-time code that links whoever accepts it to the person who made it.

    Only a hash of the code is kept. Revoking or accepting deletes the row, so a
    used code is exactly as unknown as a guessed one.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="couple_invitations"
    )
    code_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-expires_at", "-id"]
        indexes = [models.Index(fields=["user", "expires_at"])]

    def __str__(self) -> str:
        return f"Invitation {self.pk}"


class LinkQuerySet(models.QuerySet["Link"]):
    def partner_of(self, user: User) -> User | None:
        """The person linked to `user` right now, read afresh on every call (never cached).

        Both rows of the link must be there and the partner's account active.
        """
        link = (
            self.filter(user=user, partner__is_active=True, partner__couple_link__partner=user)
            .select_related("partner")
            .first()
        )
        return link.partner if link else None


class Link(models.Model):
    """One side of a link between two people. The other side is the partner's own row;
    both are made and removed together. A person has one link at most (one row, unique)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="couple_link"
    )
    # Deleting either account removes both rows: the link ends with either person.
    partner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )

    objects = LinkQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(user=models.F("partner")), name="couple_link_not_to_self"
            )
        ]

    def __str__(self) -> str:
        return f"Link {self.pk}"


class JointCheckIn(models.Model):
    """ "How are we doing this week?", asked of both partners, each answering alone.

    It has no owner: it is a shared record. Each person's answer is theirs (JointAnswer),
    and deleting one account leaves the other's answer where it is.
    """

    QUESTION = "How are we doing this week?"

    # The asker's day; pages call it "the week of ...".
    asked_on = models.DateField()
    # Closes quietly: computed from this, no job needed.
    closes_at = models.DateTimeField()

    class Meta:
        ordering = ["-closes_at", "-id"]

    def __str__(self) -> str:
        return f"Joint check-in {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("couples:checkin", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.closes_at > timezone.now()

    @property
    def closes_on(self) -> datetime.date:
        """The last day it can be answered (a day, never a time)."""
        return timezone.localdate(self.closes_at - datetime.timedelta(microseconds=1))

    @classmethod
    def delete_orphans(cls) -> None:
        """Data rights hook: a check-in neither person is in any more (both accounts
        deleted) holds nothing of anyone's, so it goes too."""
        cls.objects.filter(answers__isnull=True).delete()


class JointAnswer(models.Model):
    """One person's part of a joint check-in: made for both when it is asked, then answered.

    The partner sees it once both have answered, or once its author chose to show it
    anyway. The private note never leaves its author.
    """

    checkin = models.ForeignKey(JointCheckIn, on_delete=models.CASCADE, related_name="answers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="joint_answers"
    )
    asked = models.BooleanField(default=False)
    answered = models.BooleanField(default=False)
    revealed = models.BooleanField(default=False)
    trust = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=scale_validators(TRUST)
    )
    communication = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=scale_validators(COMMUNICATION)
    )
    connection = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=scale_validators(CONNECTION)
    )
    working = EncryptedTextField(blank=True, validators=[MaxLengthValidator(SHORT_ANSWER_MAX)])
    would_help = EncryptedTextField(blank=True, validators=[MaxLengthValidator(SHORT_ANSWER_MAX)])
    private_note = EncryptedTextField(blank=True, validators=[MaxLengthValidator(NOTE_MAX)])

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["checkin", "user"], name="one_answer_per_person"),
        ]
        indexes = [models.Index(fields=["user", "checkin"])]

    def __str__(self) -> str:
        return f"Joint answer {self.pk}"

    def shown_beside(self, other: "JointAnswer") -> bool:
        """Whether the author of `other` may read this answer (ratings and the two answers)."""
        return self.answered and (other.answered or self.revealed)

    @classmethod
    def shared_with(cls, user: User) -> list[dict]:
        """Data rights hook: the answers the person's current partner let them see.

        Never the partner's private note; nothing from a person they are no longer linked to.
        """
        partner = Link.objects.partner_of(user)
        if partner is None:
            return []
        rows = []
        mine = {
            a.checkin_id: a
            for a in cls.objects.filter(user=user, checkin__answers__user=partner).only(
                "checkin_id", "answered", "revealed"
            )
        }
        theirs = (
            cls.objects.filter(user=partner, checkin_id__in=mine)
            .select_related("checkin")
            .order_by("checkin_id")
        )
        for answer in theirs:
            if not answer.shown_beside(mine[answer.checkin_id]):
                continue
            rows.append(
                {
                    "checkin_id": answer.checkin_id,
                    "asked_on": answer.checkin.asked_on,
                    **{scale.field: getattr(answer, scale.field) for scale in SCALES},
                    "working": answer.working,
                    "would_help": answer.would_help,
                }
            )
        return rows


class VisibleCommitment(models.Model):
    """A commitment its owner chose to show their linked partner; no row means private.

    Kept here rather than on the commitment, so the journal knows nothing of couples.
    Every choice is cleared when a link ends or a new one begins: a new partner starts
    from private.
    """

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="+")
    # The partner answered a kept one with "I noticed" (once).
    noticed = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["commitment"], name="one_visibility_per_commitment"),
        ]

    def __str__(self) -> str:
        return f"Visible commitment {self.commitment_id}"
