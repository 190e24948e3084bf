from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from trustrepair.accounts import safe_next
from trustrepair.http import AuthenticatedHttpRequest

from .. import safety


class ConfirmForm(forms.Form):
    choose = forms.BooleanField(
        label="I am choosing this myself, and nobody is pressing me to.",
        error_messages={"required": "Tick the box if this is your own choice."},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def partner_features(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's own page for turning sharing and linking back on, or off again."""
    next_url = safe_next(request, reverse("journal:dashboard"))
    is_open = safety.partner_features_open(request.user)
    form = ConfirmForm(request.POST if request.method == "POST" and not is_open else None)
    if request.method == "POST":
        if is_open:
            safety.close_partner_features(request.user)
            messages.success(request, "Sharing and linking are off.")
            return redirect("journal:partner_features")
        if form.is_valid():
            safety.confirm_partner_features(request.user)
            messages.success(request, "Sharing and linking are on. You can turn them off here.")
            return redirect(next_url)
    context = {"form": form, "is_open": is_open, "next": next_url}
    return render(request, "journal/partner_features.html", context)
