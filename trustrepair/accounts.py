"""Account pages: sign-up, sign-in (with optional two-factor), settings, sessions."""

import json
import time
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import data_rights, sessions, twofactor
from .forms import AccountSettingsForm, SignUpForm
from .models import User

View = Callable[..., HttpResponse]

REAUTHENTICATED_AT = "reauthenticated_at"
RECENT_PASSWORD_SECONDS = 10 * 60


class ConfirmPasswordForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user: User, *args: object, **kwargs: object) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That password is not right. Please try again.")
        return password


def confirm_password_now(request: HttpRequest) -> None:
    request.session[REAUTHENTICATED_AT] = int(time.time())


def password_recently_confirmed(request: HttpRequest) -> bool:
    confirmed = request.session.get(REAUTHENTICATED_AT, 0)
    return time.time() - confirmed < RECENT_PASSWORD_SECONDS


def recent_password_required(view: View) -> View:
    """Asks for the password again unless it was given in the last few minutes.

    Someone else may have picked up a device that is still signed in; sharing,
    exporting and deleting are worth a second check.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not password_recently_confirmed(request):
            query = urlencode({"next": request.get_full_path()})
            response = redirect(f"{reverse('confirm_password')}?{query}")
            if request.htmx:
                response = HttpResponse(status=204)
                response["HX-Redirect"] = f"{reverse('confirm_password')}?{query}"
            return response
        return view(request, *args, **kwargs)

    return wrapped


def safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, "Welcome. Your account is ready, and everything you write is private to you."
        )
        return redirect("guides:index")
    return render(request, "registration/signup.html", {"form": form})


@sensitive_post_parameters("password")
@require_http_methods(["GET", "HEAD", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = AuthenticationForm(request, data=request.POST or None)
    next_url = safe_next(request, reverse(settings.LOGIN_REDIRECT_URL))
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if twofactor.has_two_factor(user):
            twofactor.start_pending_login(request, user)
            return redirect(f"{reverse('login_verify')}?{urlencode({'next': next_url})}")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(next_url)
    return render(request, "registration/login.html", {"form": form, "next": next_url})


@sensitive_post_parameters("code")
@require_http_methods(["GET", "HEAD", "POST"])
def login_verify(request: HttpRequest) -> HttpResponse:
    user = twofactor.pending_user(request)
    if user is None:
        twofactor.clear_pending(request)
        messages.info(request, "Please log in again.")
        return redirect("login")
    form = twofactor.CodeForm(request.POST or None)
    next_url = safe_next(request, reverse(settings.LOGIN_REDIRECT_URL))
    if request.method == "POST" and form.is_valid():
        if twofactor.verify_code(user, form.cleaned_data["code"]):
            twofactor.finish_login(request, user)
            return redirect(next_url)
        tries = request.session.get(twofactor.PENDING_TRIES, 0) + 1
        request.session[twofactor.PENDING_TRIES] = tries
        if tries >= twofactor.MAX_TRIES:
            twofactor.clear_pending(request)
            messages.error(request, "Too many wrong codes. Please log in again.")
            return redirect("login")
        form.add_error("code", "That code did not work. Check the time on your phone and retry.")
    return render(request, "registration/login_verify.html", {"form": form, "next": next_url})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    form = AccountSettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your settings are saved.")
        return redirect("account")
    context = {
        "form": form,
        "two_factor": twofactor.has_two_factor(request.user),
        "session_count": len(sessions.active_sessions(request.user)),
    }
    return render(request, "account/settings.html", context)


@login_required
@sensitive_post_parameters("password")
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_password(request: HttpRequest) -> HttpResponse:
    form = ConfirmPasswordForm(request.user, request.POST or None)
    next_url = safe_next(request, reverse("account"))
    if request.method == "POST" and form.is_valid():
        confirm_password_now(request)
        return redirect(next_url)
    return render(request, "account/confirm_password.html", {"form": form, "next": next_url})


@login_required
@require_safe
def session_list(request: HttpRequest) -> HttpResponse:
    context = {
        "sessions": sessions.active_sessions(request.user),
        "current_key": request.session.session_key,
    }
    return render(request, "account/sessions.html", context)


@login_required
@require_POST
def end_other_sessions(request: HttpRequest) -> HttpResponse:
    ended = sessions.end_other_sessions(request)
    messages.success(
        request, f"Signed out everywhere else ({ended} other session{'s' if ended != 1 else ''})."
    )
    return redirect("sessions")


@login_required
@recent_password_required
@require_http_methods(["GET", "HEAD", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    if twofactor.has_two_factor(request.user):
        return redirect("account")
    device = twofactor.pending_device(request.user)
    form = twofactor.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm_device(device, form.cleaned_data["code"])
        if codes is not None:
            return render(request, "account/recovery_codes.html", {"codes": codes, "new": True})
        form.add_error("code", "That code did not match. Check the time on your phone and retry.")
    context = {
        "form": form,
        "qr_svg": twofactor.qr_svg(device),
        "manual_key": twofactor.manual_key(device),
    }
    return render(request, "account/two_factor_setup.html", context)


@login_required
@recent_password_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    if not twofactor.has_two_factor(request.user):
        return redirect("account")
    codes = twofactor.new_recovery_codes(request.user)
    return render(request, "account/recovery_codes.html", {"codes": codes, "new": False})


@login_required
@recent_password_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    twofactor.disable(request.user)
    messages.success(request, "Two-step sign-in is off. You now log in with your password only.")
    return redirect("account")


@login_required
@recent_password_required
@require_safe
def export(request: HttpRequest) -> HttpResponse:
    return render(request, "account/export.html")


@login_required
@recent_password_required
@require_safe
def export_download(request: HttpRequest) -> HttpResponse:
    stamp = timezone.localdate().isoformat()
    if request.GET.get("format") == "json":
        body = json.dumps(data_rights.export_data(request.user), indent=2, ensure_ascii=False)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="notebook-{stamp}.json"'
    else:
        response = HttpResponse(
            data_rights.export_zip(request.user), content_type="application/zip"
        )
        response["Content-Disposition"] = f'attachment; filename="notebook-{stamp}.zip"'
    return response


class DeleteAccountForm(ConfirmPasswordForm):
    confirm = forms.CharField(
        label='Type "delete" to confirm',
        help_text="This cannot be undone.",
    )

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"].strip().lower()
        if value != "delete":
            raise forms.ValidationError('Please type the word "delete" to confirm.')
        return value


@login_required
@sensitive_post_parameters("password")
@require_http_methods(["GET", "HEAD", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data_rights.delete_account(request.user)
        logout(request)
        messages.success(request, "Your account and everything in it have been deleted.")
        return redirect("home")
    return render(request, "account/delete.html", {"form": form})
