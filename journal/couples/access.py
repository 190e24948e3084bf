"""Who may open a couple page: read from the database on every request, never cached.

A page that needs a partner is a 404 for anyone who is not linked, so unlinking ends
the other person's access on their very next request, in every session they have.
Object lookups sit above the method checks, so a stranger gets the same 404 for
every method and never learns, from a 405, that an id exists.
"""

from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from journal.models import Commitment
from trustrepair.http import AuthenticatedHttpRequest
from trustrepair.models import User

from . import joint, visibility
from .models import Link

View = Callable[..., HttpResponse]


def linked(view: View) -> View:
    """Passes the signed-in person's partner as `partner`; a 404 when they have none."""

    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        partner = Link.objects.partner_of(request.user)
        if partner is None:
            raise Http404("Not linked")
        return view(request, *args, partner=partner, **kwargs)

    return wrapper


def joint_checkin(view: View) -> View:
    """Swaps the URL's `pk` for the joint check-in of the two, as the signed-in person sees it."""

    @wraps(view)
    def wrapper(
        request: AuthenticatedHttpRequest, pk: int, *, partner: User, **kwargs: object
    ) -> HttpResponse:
        found = joint.pair(pk, request.user, partner)
        if found is None:
            raise Http404("No such check-in")
        return view(request, found, partner=partner, **kwargs)

    return wrapper


def partners_commitment(view: View) -> View:
    """Swaps the URL's `pk` for one of the partner's commitments that the partner shows."""

    @wraps(view)
    def wrapper(
        request: AuthenticatedHttpRequest, pk: int, *, partner: User, **kwargs: object
    ) -> HttpResponse:
        commitment: Commitment = get_object_or_404(visibility.shown_by(partner), pk=pk)
        return view(request, commitment, partner=partner, **kwargs)

    return wrapper
