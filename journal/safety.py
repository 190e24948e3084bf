"""Whether a person has said they are afraid, and what that turns off by default.

A yes to a safety question ("is someone watching or controlling you?") turns the
partner features off: sharing a summary and linking accounts. Someone who is being
watched may be pushed into turning them on, so they come back only after a clear
confirmation that only the person sees, made after their latest yes. Nothing here is
ever shown on a page a partner could see: the pages that use it say, neutrally, that
partner features are off, and link to this person's own confirmation page.

The answers come from the check-in's safety question; the "start here" self-check adds
its own through `ANSWER_SOURCES`.
"""

import datetime
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from guides.start_here import latest_safety_answer
from trustrepair.http import AuthenticatedHttpRequest
from trustrepair.models import User

from .models import CheckIn, PartnerFeatures

# Each source gives the person's latest answer to a safety question, and when it was
# given: (True, when) for a yes, (False, when) for a no, None when never answered.
type Answer = tuple[bool, datetime.datetime] | None


def latest_checkin_answer(user: User) -> Answer:
    row = (
        CheckIn.objects.filter(user=user, safety_concern__isnull=False)
        .order_by("-date", "-id")
        .values_list("safety_concern", "updated_at")
        .first()
    )
    return (bool(row[0]), row[1]) if row else None


ANSWER_SOURCES: list[Callable[[User], Answer]] = [latest_checkin_answer, latest_safety_answer]


def latest_yes(user: User) -> datetime.datetime | None:
    """When the person last said yes, if their latest answer in any source is a yes."""
    yeses = [answer[1] for source in ANSWER_SOURCES if (answer := source(user)) and answer[0]]
    return max(yeses, default=None)


def said_afraid(user: User) -> bool:
    return latest_yes(user) is not None


def partner_features_open(user: User) -> bool:
    """Sharing and linking: open unless the person said they are afraid and has not
    confirmed, since, that they still want them."""
    yes = latest_yes(user)
    if yes is None:
        return True
    confirmed = (
        PartnerFeatures.objects.filter(user=user).values_list("confirmed_at", flat=True).first()
    )
    return confirmed is not None and confirmed > yes


def confirm_partner_features(user: User) -> None:
    PartnerFeatures.objects.update_or_create(user=user, defaults={"confirmed_at": timezone.now()})


def partner_features_required(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """For views that share with or link to a partner: off until the person confirms."""

    @wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if partner_features_open(request.user):
            return view(request, *args, **kwargs)
        query = urlencode({"next": request.get_full_path()})
        target = f"{reverse('journal:partner_features')}?{query}"
        return HttpResponseClientRedirect(target) if request.htmx else redirect(target)

    return wrapped


def close_partner_features(user: User) -> None:
    """Back to off, as after a new yes (the person can do this themselves at any time)."""
    PartnerFeatures.objects.filter(user=user).delete()
