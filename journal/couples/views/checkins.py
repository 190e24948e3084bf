"""Joint check-ins: ask, answer alone, wait, then both answers side by side."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from journal.safety import partner_features_open, partner_features_required
from trustrepair.http import AuthenticatedHttpRequest
from trustrepair.kept_words import login_required_keeping_words
from trustrepair.models import User

from .. import joint
from ..access import joint_checkin, linked
from ..forms import JointAnswerForm
from ..joint import Pair


@login_required
@linked
@require_safe
def checkin_list(request: AuthenticatedHttpRequest, *, partner: User) -> HttpResponse:
    context = {
        "partner": partner,
        "pairs": joint.pairs(request.user, partner),
        "features_open": partner_features_open(request.user),
    }
    return render(request, "couples/checkins.html", context)


@login_required
@linked
@require_POST
@partner_features_required
def ask(request: AuthenticatedHttpRequest, *, partner: User) -> HttpResponse:
    checkin, made = joint.ask(request.user, partner)
    if not made:
        messages.info(request, "A joint check-in is already open. Here it is.")
    return redirect(checkin)


def _render(
    request: AuthenticatedHttpRequest, pair: Pair, partner: User, **extra: object
) -> HttpResponse:
    context = {
        "pair": pair,
        "partner": partner,
        "features_open": partner_features_open(request.user),
        **extra,
    }
    if pair.can_answer and "form" not in context:
        context["form"] = JointAnswerForm()
    if request.htmx:
        return render(request, "couples/checkin.html#joint-status", context)
    return render(request, "couples/checkin.html", context)


@login_required
@linked
@joint_checkin
@require_safe
def checkin_detail(request: AuthenticatedHttpRequest, pair: Pair, *, partner: User) -> HttpResponse:
    return _render(request, pair, partner)


@login_required_keeping_words
@linked
@joint_checkin
@require_http_methods(["GET", "HEAD", "POST"])
@partner_features_required
def checkin_answer(request: AuthenticatedHttpRequest, pair: Pair, *, partner: User) -> HttpResponse:
    """One answer each, final once saved; bad input comes back with everything typed.

    A GET lands here only after signing in again with answers kept from a session that
    had ended (trustrepair.kept_words): the same page, filled in, to save with one tap.
    """
    if not pair.can_answer:
        return redirect(pair.checkin)
    if request.method != "POST":
        return _render(request, pair, partner, form=JointAnswerForm(request.POST or None))
    form = JointAnswerForm(request.POST)
    if not form.is_valid():
        return _render(request, pair, partner, form=form)
    if joint.answer(pair.mine, form.cleaned_data):
        messages.success(request, "Your answers are saved.")
    else:
        messages.info(request, "This check-in has closed; your answers were not saved.")
    return redirect(pair.checkin)


@login_required
@linked
@joint_checkin
@require_POST
@partner_features_required
def checkin_reveal(request: AuthenticatedHttpRequest, pair: Pair, *, partner: User) -> HttpResponse:
    """The author shows their own answers before their partner has answered."""
    if joint.reveal(pair.mine):
        pair.mine.revealed = True
    if request.htmx:
        return _render(request, pair, partner)
    if pair.mine.revealed:
        messages.success(request, "Your partner can now read your answers.")
    return redirect(pair.checkin)
