"""Linking by consent: one-time invitation codes, accepting one, and unlinking alone."""

import datetime
import hashlib
import secrets

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from journal.safety import partner_features_open
from trustrepair import limits
from trustrepair.models import User

from .models import INVITATION_DAYS, Invitation, Link, VisibleCommitment

CODE_BYTES = 32  # 256 bits
# Codes are typed by hand too: anything longer than this is not one.
CODE_MAX_LENGTH = 100
# Guessing codes: misses allowed per address in the window before a pause.
GUESS_LIMIT = 20
GUESSES = limits.Guesses("couple-code-guess", "couples/throttled.html", GUESS_LIMIT, window=15 * 60)


class LinkRefused(Exception):
    """Why an invitation could not be accepted, in words for the person accepting it."""


GONE = "This invitation can no longer be used. Ask for a new one."
OWN = "This is your own invitation. Send it to your partner: they accept it from their account."
ALREADY_LINKED = "You are linked already. Unlink first if you want to link with someone else."


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


def hash_code(code: str) -> str:
    # 256 random bits: a plain hash cannot be reversed by guessing; it only keeps the
    # code itself out of the database.
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def clean_code(text: str) -> str:
    """A typed or pasted code, forgiving spaces and a pasted link."""
    text = "".join(text.split())
    if "/join/" in text:
        text = text.rsplit("/join/", 1)[1]
    return text.strip("/")


def live_invitation(user: User) -> Invitation | None:
    return Invitation.objects.live().filter(user=user).first()


@transaction.atomic
def create_invitation(user: User) -> tuple[Invitation, str]:
    """A new invitation with its raw code (shown once); any earlier one stops working."""
    Invitation.objects.filter(user=user).delete()
    code = new_code()
    invitation = Invitation.objects.create(
        user=user,
        code_hash=hash_code(code),
        expires_at=timezone.now() + datetime.timedelta(days=INVITATION_DAYS),
    )
    return invitation, code


def revoke(invitation: Invitation) -> None:
    invitation.delete()


def find_invitation(code: str) -> Invitation | None:
    """The invitation behind a code, while it can still be accepted.

    Unknown, expired, revoked and used codes look the same, and so does one whose
    maker is linked already or has partner features off: the person accepting learns
    nothing about the other from it.
    """
    if not code or len(code) > CODE_MAX_LENGTH:
        return None
    invitation = (
        Invitation.objects.live().filter(code_hash=hash_code(code)).select_related("user").first()
    )
    if invitation is None or not _may_link(invitation.user):
        return None
    return invitation


def _may_link(inviter: User) -> bool:
    return partner_features_open(inviter) and not Link.objects.filter(user=inviter).exists()


def is_linked(user: User) -> bool:
    return Link.objects.filter(user=user).exists()


def accept(code: str, invitee: User) -> User:
    """Links the invitee to the invitation's maker and returns the new partner.

    Each person has one link row at most (unique), so two acceptances racing for the
    same person cannot both succeed.
    """
    try:
        with transaction.atomic():
            invitation = (
                Invitation.objects.live()
                .select_for_update()
                .filter(code_hash=hash_code(code))
                .first()
            )
            if invitation is None or not _may_link(invitation.user):
                raise LinkRefused(GONE)
            inviter = invitation.user
            if inviter.pk == invitee.pk:
                raise LinkRefused(OWN)
            if is_linked(invitee):
                raise LinkRefused(ALREADY_LINKED)
            # The code is used up, and so is any other invitation either person had.
            Invitation.objects.filter(user__in=[inviter, invitee]).delete()
            # Everything starts private with a new partner.
            _forget_choices([inviter.pk, invitee.pk])
            Link.objects.create(user=inviter, partner=invitee)
            Link.objects.create(user=invitee, partner=inviter)
    except IntegrityError as exc:
        raise LinkRefused(GONE) from exc
    return inviter


@transaction.atomic
def unlink(user: User) -> None:
    """Ends the link at once, for both, with nothing sent to the other person.

    Both rows go, and so does every "visible to my partner" choice of either: the
    partner's next request finds no link. Joint check-in answers stay with their authors.
    """
    sides = Link.objects.filter(Q(user=user) | Q(partner=user))
    people = [user.pk, *sides.values_list("partner_id", flat=True)]
    sides.delete()
    _forget_choices(people)


def _forget_choices(people: list[int]) -> None:
    VisibleCommitment.objects.filter(commitment__user_id__in=people).delete()
