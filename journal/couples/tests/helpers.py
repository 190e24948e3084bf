"""Small, explicit builders for couple-mode tests."""

import re

from django.test import Client
from django.utils import timezone

from journal.couples import joint, linking
from journal.couples.models import JointCheckIn, Link
from journal.models import Commitment, CommitmentStatus
from tests.helpers import PASSWORD
from trustrepair.models import User

# Written by "people" in tests; the partner must never see it.
PRIVATE = "COUPLE-PRIVATE-5e1d"
# A clock time, as any page would print one ("21:07", "9:30").
CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")


def link(a: User, b: User) -> None:
    Link.objects.create(user=a, partner=b)
    Link.objects.create(user=b, partner=a)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def with_password(user: User) -> Client:
    """Signed in, with the password given again just now (linking asks for it)."""
    client = signed_in(user)
    client.post("/accounts/confirm/", {"password": PASSWORD})
    return client


def invitation_code(user: User) -> str:
    _invitation, code = linking.create_invitation(user)
    return code


def ask(a: User, b: User) -> JointCheckIn:
    checkin, _made = joint.ask(a, b)
    return checkin


def answer_data(**overrides: str) -> dict:
    """A valid joint check-in answer, as the form posts it."""
    return {
        "trust": "7",
        "communication": "4",
        "connection": "3",
        "working": "Cooking together",
        "would_help": "Fewer phones at dinner",
        "private_note": f"{PRIVATE} note",
        **overrides,
    }


def answered(user: User, checkin: JointCheckIn, **overrides: str) -> None:
    """Saves `user`'s answers directly, as the form would after cleaning."""
    values = answer_data(**overrides)
    cleaned = {
        **values,
        **{name: int(values[name]) for name in ("trust", "communication", "connection")},
    }
    assert joint.answer(checkin.answers.get(user=user), cleaned)


def commitment(user: User, text: str = "Call at lunch", **fields: object) -> Commitment:
    values = {
        "strategy": "reliability",
        "note": f"{PRIVATE} commitment note",
        **fields,
    }
    return Commitment.objects.create(user=user, text=text, **values)


def kept(user: User, text: str = "Walk the dog every morning") -> Commitment:
    return commitment(user, text=text, status=CommitmentStatus.KEPT, resolved_at=timezone.now())
