"""Asking a signed-in person for their password again, in the sign-in throttle.

Someone else may be holding a device that is still signed in. Sharing, exporting,
deleting and changing how one signs in ask for the password first; each wrong guess
there counts in django-axes' throttle exactly like a wrong password at sign-in (same
username and address, same lockout and message), so the password cannot be guessed
here faster than at the sign-in form.
"""

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode, urlsplit

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .http import AuthenticatedHttpRequest, HtmxHttpRequest
from .models import User

View = Callable[..., HttpResponse]

REAUTHENTICATED_AT = "reauthenticated_at"
RECENT_PASSWORD_SECONDS = 10 * 60
WRONG_PASSWORD = "That password is not right. Please try again."  # noqa: S105 (a message)


def password_is_right(request: HttpRequest, user: User, password: str) -> bool:
    """Checks `password` through django-axes: a miss counts, and a locked-out user is refused.

    When the throttle refuses, django-axes flags the request and its middleware
    answers with the lockout page instead of the view's response.
    """
    checked = authenticate(request, username=user.get_username(), password=password)
    return checked is not None and checked.pk == user.pk


class ConfirmPasswordForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user = request.user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not password_is_right(self.request, self.user, password):
            raise forms.ValidationError(WRONG_PASSWORD)
        return password


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Django's password change, with the old password checked in the throttle."""

    def __init__(self, user: User, *args: object, request: HttpRequest, **kwargs: object) -> None:
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        if not password_is_right(self.request, self.user, old_password):
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


def confirm_password_now(request: HttpRequest) -> None:
    request.session[REAUTHENTICATED_AT] = int(time.time())


def password_recently_confirmed(request: HttpRequest) -> bool:
    confirmed = request.session.get(REAUTHENTICATED_AT, 0)
    return time.time() - confirmed < RECENT_PASSWORD_SECONDS


def _come_back_to(request: HttpRequest) -> str:
    """Where to return after the password: this page, or for an action the page it was on."""
    if request.method in {"GET", "HEAD"}:
        return request.get_full_path()
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return reverse("account")


def recent_password_required(view: View) -> View:
    """Asks for the password again unless it was given in the last few minutes."""

    @wraps(view)
    def wrapped(request: HtmxHttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not password_recently_confirmed(request):
            target = f"{reverse('confirm_password')}?{urlencode({'next': _come_back_to(request)})}"
            if request.htmx:
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return redirect(target)
        return view(request, *args, **kwargs)

    return wrapped
