"""Commitments a partner may see: private by default, shown one by one by their owner."""

from django.db.models import Exists, OuterRef, QuerySet

from journal.models import Commitment, CommitmentStatus
from trustrepair.models import User

from .models import VisibleCommitment

# All a partner ever reads of a commitment: its words, its due day, how it went. Never
# the note, the renegotiation reason, or when it was written or marked.
PARTNER_FIELDS = ("id", "text", "status", "due_date")


def _choice(field: str = "pk", **extra: object) -> Exists:
    return Exists(VisibleCommitment.objects.filter(commitment=OuterRef(field), **extra))


def own_commitments(user: User) -> QuerySet[Commitment]:
    """The person's commitments, newest first, each with whether their partner sees it."""
    return (
        Commitment.objects.filter(user=user)
        .only(*PARTNER_FIELDS)
        .annotate(visible=_choice(), noticed=_choice(noticed=True))
        .order_by("-created_at", "-id")
    )


def shown_by(owner: User) -> QuerySet[Commitment]:
    """What the owner's partner sees: only the commitments marked visible, only these fields."""
    return (
        Commitment.objects.filter(user=owner)
        .filter(_choice())
        .only(*PARTNER_FIELDS)
        .annotate(noticed=_choice(noticed=True))
        .order_by("-created_at", "-id")
    )


def set_visible(commitment: Commitment, visible: bool) -> None:
    if visible:
        VisibleCommitment.objects.get_or_create(commitment=commitment)
    else:
        VisibleCommitment.objects.filter(commitment=commitment).delete()


def notice(commitment: Commitment) -> bool:
    """The partner's "I noticed" on a kept, visible commitment: once, and only then."""
    if commitment.status != CommitmentStatus.KEPT:
        return False
    updated = VisibleCommitment.objects.filter(commitment=commitment, noticed=False).update(
        noticed=True
    )
    return bool(updated)
