"""Commitments a partner can see: the owner's choices, the preview, and the partner's view."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from journal.access import owned
from journal.models import Commitment
from journal.safety import partner_features_open, partner_features_required
from trustrepair.accounts import safe_next
from trustrepair.http import AuthenticatedHttpRequest
from trustrepair.models import User

from .. import visibility
from ..access import linked, partners_commitment

PAGE_SIZE = 25


@login_required
@linked
@require_safe
def commitment_list(request: AuthenticatedHttpRequest, *, partner: User) -> HttpResponse:
    """The owner's commitments, each with a switch: private, or visible to my partner."""
    page = Paginator(visibility.own_commitments(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "partner": partner,
        "page": page,
        "features_open": partner_features_open(request.user),
        "next_url": request.get_full_path(),
    }
    return render(request, "couples/commitments.html", context)


def _set_visible(
    request: AuthenticatedHttpRequest, commitment: Commitment, partner: User, visible: bool
) -> HttpResponse:
    """Takes effect on the partner's next request."""
    visibility.set_visible(commitment, visible)
    next_url = safe_next(request, reverse("couples:commitments"))
    if request.htmx:
        row = visibility.own_commitments(request.user).get(pk=commitment.pk)
        context = {
            "commitment": row,
            "partner": partner,
            "features_open": partner_features_open(request.user),
            "next_url": next_url,
        }
        return render(request, "couples/commitments.html#commitment-row", context)
    if visible:
        messages.success(request, f"{partner.username} can see this commitment now.")
    else:
        messages.success(request, "This commitment is private again.")
    return redirect(next_url)


@login_required
@linked
@owned(Commitment)
@require_POST
@partner_features_required
def commitment_show(
    request: AuthenticatedHttpRequest, commitment: Commitment, *, partner: User
) -> HttpResponse:
    return _set_visible(request, commitment, partner, True)


@login_required
@linked
@owned(Commitment)
@require_POST
def commitment_hide(
    request: AuthenticatedHttpRequest, commitment: Commitment, *, partner: User
) -> HttpResponse:
    """Making a commitment private again is never held back, whatever else is off."""
    return _set_visible(request, commitment, partner, False)


@login_required
@linked
@require_safe
def preview(request: AuthenticatedHttpRequest, *, partner: User) -> HttpResponse:
    """See it as your partner does: the partner's page, built from the person's own choices."""
    context = {
        "commitments": visibility.shown_by(request.user),
        "owner_name": request.user.username,
        "preview": True,
        "partner": partner,
    }
    return render(request, "couples/partner.html", context)


@login_required
@linked
@require_safe
def partner_commitments(request: AuthenticatedHttpRequest, *, partner: User) -> HttpResponse:
    context = {
        "commitments": visibility.shown_by(partner),
        "owner_name": partner.username,
        "preview": False,
        "partner": partner,
    }
    return render(request, "couples/partner.html", context)


@login_required
@linked
@partners_commitment
@require_POST
def noticed(
    request: AuthenticatedHttpRequest, commitment: Commitment, *, partner: User
) -> HttpResponse:
    """ "I noticed": one tap, once, on a kept commitment the partner shows."""
    if visibility.notice(commitment) and not request.htmx:
        messages.success(request, f"{partner.username} will see that you noticed.")
    if request.htmx:
        row = visibility.shown_by(partner).get(pk=commitment.pk)
        context = {"commitment": row, "preview": False, "owner_name": partner.username}
        return render(request, "couples/partner.html#partner-commitment", context)
    return redirect("couples:partner")
