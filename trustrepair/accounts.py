"""Account pages: sign-up, sign-in (with optional two-step), settings, sessions, data."""

import json
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import data_rights, device_cookie, kept_words, limits, sessions, timezones, twofactor
from .addresses import client_address
from .backends import BACKEND
from .context_processors import TIME_ZONE_OFFER
from .forms import AccountSettingsForm, SignUpForm
from .http import AuthenticatedHttpRequest, HtmxHttpRequest
from .models import User
from .reauth import (
    ConfirmPasswordForm,
    ThrottledPasswordChangeForm,
    confirm_password_now,
    recent_password_required,
)

__all__ = ["confirm_password_now", "recent_password_required"]

HOUR = 3600
# The browser's own time zone, sent with the sign-in form, until sign-in is complete.
DEVICE_TIME_ZONE = "device_time_zone"
SIGNUP_LIMITED = (
    "Too many new accounts were made from this network in the last hour. "
    "Please try again later; what you typed is kept below."
)
RESET_LIMITED = (
    "Too many password-reset emails were asked for from this network in the last hour. "
    "Please try again later."
)


def safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HtmxHttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not limits.hit("signup", client_address(request), settings.SIGNUP_LIMIT_PER_HOUR, HOUR):
            form.add_error(None, SIGNUP_LIMITED)
            return render(request, "registration/signup.html", {"form": form}, status=429)
        user = form.save()
        login(request, user, backend=BACKEND)
        # The password was typed twice just now: sharing or export need not ask again.
        confirm_password_now(request)
        messages.success(
            request, "Welcome. Your account is ready, and everything you write is private to you."
        )
        # A new account starts with "start here" (skippable), which picks a path.
        response = redirect("guides:start")
        device_cookie.remember(request, response, user.get_username())
        return response
    return render(request, "registration/signup.html", {"form": form})


_logout = auth_views.LogoutView.as_view()


def logout_view(request: HttpRequest) -> HttpResponse:
    """Django's sign-out, asking the browser to drop its HTTP cache too.

    Cache Storage (lessons kept for offline reading) is emptied by static/js/offline.js
    and the service worker as the form is sent. Only "cache" is cleared here: "storage"
    would also remove the service worker, and with it this device's reminder
    notifications, and "cookies" the device cookie that keeps the owner from being
    locked out; quick exit clears all of it.
    """
    response = _logout(request)
    if request.method == "POST":
        response["Clear-Site-Data"] = '"cache"'
    return response


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """django-axes' lockout answer (AXES_LOCKOUT_CALLABLE): plain words and how long to wait."""
    wait = twofactor.readable_wait(settings.AXES_COOLOFF_TIME.total_seconds())
    return render(request, "registration/locked_out.html", {"wait": wait}, status=429)


def _offer_device_time_zone(request: HttpRequest, user: User) -> None:
    """Offers, never forces, the browser's time zone when it differs from the stored one."""
    device = timezones.valid_or_none(request.session.pop(DEVICE_TIME_ZONE, None))
    if device and device != user.time_zone:
        request.session[TIME_ZONE_OFFER] = device
    else:
        request.session.pop(TIME_ZONE_OFFER, None)


def _signed_in(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """After every step of sign-in: tell of wrong codes since, and trust this browser.

    Signing in counts as a recent password check, so sharing or export straight after
    do not ask again; words kept when the last session ended are the first thing shown.
    """
    confirm_password_now(request)
    _offer_device_time_zone(request, user)
    next_url = kept_words.waiting_path(request, user) or next_url
    moments = twofactor.take_notices(user)
    if moments:
        when = moments[0] if len(moments) == 1 else ", ".join(moments[:-1]) + " and " + moments[-1]
        messages.warning(
            request,
            f"Someone entered your password correctly and then a wrong code, on {when}. "
            "If that was not you, change your password now.",
        )
    response = redirect(next_url)
    device_cookie.remember(request, response, user.get_username())
    return response


@sensitive_post_parameters("password")
@require_http_methods(["GET", "HEAD", "POST"])
def login_view(request: HtmxHttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = AuthenticationForm(request, data=request.POST or None)
    next_url = safe_next(request, reverse(settings.LOGIN_REDIRECT_URL))
    if request.method == "POST":
        if form.is_valid():
            user = form.get_user()
            request.session[DEVICE_TIME_ZONE] = timezones.valid_or_none(
                request.POST.get("time_zone")
            )
            if twofactor.has_two_factor(user):
                twofactor.start_pending_login(request, user)
                return redirect(f"{reverse('login_verify')}?{urlencode({'next': next_url})}")
            login(request, user, backend=BACKEND)
            return _signed_in(request, user, next_url)
        device_cookie.note_failure(request, request.POST.get("username"))
    return render(request, "registration/login.html", {"form": form, "next": next_url})


@sensitive_post_parameters("code")
@require_http_methods(["GET", "HEAD", "POST"])
def login_verify(request: HtmxHttpRequest) -> HttpResponse:
    user = twofactor.pending_user(request)
    if user is None:
        twofactor.clear_pending(request)
        messages.info(request, "Please log in again.")
        return redirect("login")
    form = twofactor.CodeForm(request.POST or None)
    next_url = safe_next(request, reverse(settings.LOGIN_REDIRECT_URL))
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        until = twofactor.paused_until(user, code)
        if until is not None:
            # The code is not even checked: calling it wrong would be untrue.
            form.add_error("code", twofactor.pause_message(user, until))
            return render(
                request, "registration/login_verify.html", {"form": form, "next": next_url}
            )
        device = twofactor.verify_code(user, code)
        if device is not None:
            twofactor.finish_login(request, user, device)
            return _signed_in(request, user, next_url)
        twofactor.record_wrong_code(request, user)
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
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AccountSettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        request.session.pop(TIME_ZONE_OFFER, None)
        messages.success(request, "Your settings are saved.")
        return redirect("account")
    context = {
        "form": form,
        "two_factor": twofactor.has_two_factor(request.user),
        "session_count": len(sessions.active_sessions(request.user)),
    }
    return render(request, "account/settings.html", context)


@login_required
@require_POST
def time_zone_offer(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The answer to "Your device says ...; use it?": use it, or keep the one stored."""
    offered = timezones.valid_or_none(request.session.pop(TIME_ZONE_OFFER, None))
    if offered and request.POST.get("answer") == "use":
        request.user.time_zone = offered
        request.user.save(update_fields=["time_zone"])
        messages.success(request, f"Your journal now follows {offered.replace('_', ' ')} time.")
    return redirect(safe_next(request, reverse(settings.LOGIN_REDIRECT_URL)))


@require_POST
def stay_signed_in(request: HtmxHttpRequest) -> HttpResponse:
    """The idle warning's "Stay signed in": counts as activity, says how long is left."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    sessions.refresh(request)
    return JsonResponse({"signed_in": True, "seconds_left": sessions.seconds_left(request)})


@login_required
@sensitive_post_parameters("password")
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_password(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ConfirmPasswordForm(request, request.POST or None)
    next_url = safe_next(request, reverse("account"))
    if request.method == "POST" and form.is_valid():
        confirm_password_now(request)
        return redirect(next_url)
    return render(request, "account/confirm_password.html", {"form": form, "next": next_url})


@login_required
@require_safe
def session_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "sessions": sessions.active_sessions(request.user),
        "current_key": request.session.session_key,
    }
    return render(request, "account/sessions.html", context)


@login_required
@require_POST
def end_other_sessions(request: AuthenticatedHttpRequest) -> HttpResponse:
    ended = sessions.end_other_sessions(request)
    messages.success(
        request, f"Signed out everywhere else ({ended} other session{'s' if ended != 1 else ''})."
    )
    return redirect("sessions")


@login_required
@recent_password_required
@require_http_methods(["GET", "HEAD", "POST"])
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    if twofactor.has_two_factor(request.user):
        return redirect("account")
    device = twofactor.setup_device(request) if request.method == "POST" else None
    if request.method == "POST" and device is None:
        messages.info(request, "Setup started again with a new key: scan this one instead.")
    if device is None:
        device = twofactor.start_setup(request)
        form = twofactor.SetupForm()
    else:
        form = twofactor.SetupForm(request.POST)
        if form.is_valid():
            codes = twofactor.confirm_setup(request, device, form.cleaned_data["code"])
            if codes is not None:
                ended = 0
                if form.cleaned_data["end_other_sessions"]:
                    ended = sessions.end_other_sessions(request)
                context = {"codes": codes, "new": True, "ended": ended}
                return render(request, "account/recovery_codes.html", context)
            form.add_error(
                "code", "That code did not match. Check the time on your phone and retry."
            )
    context = {
        "form": form,
        "qr_svg": twofactor.qr_svg(device),
        "manual_key": twofactor.manual_key(device),
    }
    return render(request, "account/two_factor_setup.html", context)


@login_required
@recent_password_required
@require_POST
def recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not twofactor.has_two_factor(request.user):
        return redirect("account")
    codes = twofactor.new_recovery_codes(request.user)
    return render(request, "account/recovery_codes.html", {"codes": codes, "new": False})


@login_required
@recent_password_required
@require_POST
def two_factor_disable(request: AuthenticatedHttpRequest) -> HttpResponse:
    twofactor.disable(request.user)
    messages.success(request, "Two-step sign-in is off. You now log in with your password only.")
    return redirect("account")


@login_required
@recent_password_required
@require_safe
def export(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "account/export.html")


@login_required
@recent_password_required
@require_POST
def export_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    # A POST with its CSRF token: another site cannot make the browser save the journal.
    stamp = timezone.localdate().isoformat()
    if request.POST.get("format") == "json":
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
def delete_account(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data_rights.delete_account(request.user)
        logout(request)
        messages.success(request, "Your account and everything in it have been deleted.")
        return redirect("home")
    return render(request, "account/delete.html", {"form": form})


@method_decorator(sensitive_post_parameters(), name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; a wrong old password counts in the sign-in throttle."""

    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "request": self.request}


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, limited per client address so nobody floods an inbox."""

    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        address = client_address(self.request)
        if not limits.hit("password-reset", address, settings.PASSWORD_RESET_LIMIT_PER_HOUR, HOUR):
            form.add_error(None, RESET_LIMITED)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)
