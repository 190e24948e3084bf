"""Couple mode's front page, invitations, accepting one, and unlinking."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from journal.safety import partner_features_open, partner_features_required
from trustrepair import crypto
from trustrepair.accounts import recent_password_required
from trustrepair.http import AuthenticatedHttpRequest
from trustrepair.models import User

from .. import joint, linking
from ..access import linked
from ..forms import CodeForm
from ..models import Invitation, Link

# The new invitation's code is shown once, on the page the person lands on after making
# it. Only its ciphertext waits in the session row in between.
ONE_TIME_CODE_KEY = "couple-code-once"


@login_required
@require_safe
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    partner = Link.objects.partner_of(request.user)
    context = {
        "partner": partner,
        "features_open": partner_features_open(request.user),
        "open_pair": joint.open_pair(request.user, partner) if partner else None,
    }
    return render(request, "couples/home.html", context)


@login_required
@require_safe
def invite(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Making an invitation; with partner features off, why, and the way to turn them on."""
    sealed = request.session.pop(ONE_TIME_CODE_KEY, None)
    code = crypto.decrypt(sealed) if sealed else None
    context = {
        "linked": linking.is_linked(request.user),
        "features_open": partner_features_open(request.user),
        "invitation": linking.live_invitation(request.user),
        "code": code,
        "link": request.build_absolute_uri(reverse("couples:join_code", args=[code]))
        if code
        else None,
    }
    return render(request, "couples/invite.html", context)


@login_required
@require_POST
@partner_features_required
@recent_password_required
def invite_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if linking.is_linked(request.user):
        messages.info(request, "You are linked already. Unlink first to invite someone else.")
        return redirect("couples:home")
    _invitation, code = linking.create_invitation(request.user)
    request.session[ONE_TIME_CODE_KEY] = crypto.encrypt(code)
    return redirect("couples:invite")


def _own_invitation(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        invitation = Invitation.objects.live().filter(pk=pk, user=request.user).first()
        if invitation is None:
            raise Http404("No such invitation")
        return view(request, invitation)

    return wrapper


@login_required
@_own_invitation
@require_POST
def invite_revoke(request: AuthenticatedHttpRequest, invitation: Invitation) -> HttpResponse:
    linking.revoke(invitation)
    messages.success(request, "The invitation is switched off. Nobody can use it any more.")
    return redirect("couples:invite")


def _the_invitation(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Swaps the code for its invitation; any code that cannot be used is the same 404."""

    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
        invitation = linking.find_invitation(code)
        if invitation is None:
            if refused := linking.GUESSES.refuse(request):
                return refused
            raise Http404("No such invitation")
        return view(request, invitation, code)

    return wrapper


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def join(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Typing (or pasting) a code instead of following the link."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if linking.find_invitation(code) is not None:
            return redirect("couples:join_code", code)
        if refused := linking.GUESSES.refuse(request):
            return refused
        form.add_error(
            "code",
            "That code does not work: it may be mistyped, used, switched off or more than "
            "7 days old. Check it, or ask your partner for a new one.",
        )
    return render(request, "couples/join.html", {"form": form})


@login_required
@_the_invitation
@require_http_methods(["GET", "HEAD", "POST"])
@partner_features_required
@recent_password_required
def join_code(request: AuthenticatedHttpRequest, invitation: Invitation, code: str) -> HttpResponse:
    """What linking will and will not show, then accepting, by the invited person alone."""
    inviter: User = invitation.user
    refusal = None
    if inviter.pk == request.user.pk:
        refusal = linking.OWN
    elif linking.is_linked(request.user):
        refusal = linking.ALREADY_LINKED
    if request.method == "POST" and refusal is None:
        try:
            partner = linking.accept(code, request.user)
        except linking.LinkRefused as refused:
            refusal = str(refused)
        else:
            messages.success(request, f"You and {partner.username} are linked.")
            return redirect("couples:home")
    context = {"inviter": inviter, "code": code, "refusal": refusal}
    return render(request, "couples/accept.html", context)


@login_required
@linked
@require_http_methods(["GET", "HEAD", "POST"])
def unlink(request: AuthenticatedHttpRequest, *, partner: User) -> HttpResponse:
    """Either person, alone, at once. The other is told nothing; the link just goes."""
    if request.method == "POST":
        linking.unlink(request.user)
        messages.success(request, "You are no longer linked. Everything you showed is private.")
        return redirect("couples:home")
    return render(request, "couples/unlink.html", {"partner": partner})
