"""Optional two-step sign-in: an authenticator app (TOTP) and one-time recovery codes.

The devices are trustrepair's own django-otp devices (encrypted key, hashed codes,
django-otp's growing pause after wrong codes). The threat this module is written
against is a person who knows the password: they must not be able to keep a key from
a setup they opened, get past the second step through another door (the admin), or
try codes without the owner hearing of it.
"""

import base64
import logging
import math
import secrets
import smtplib
import time
import zoneinfo
from datetime import datetime

import segno
from django import forms
from django.contrib.auth import login
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import dateformat, timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.models import Device

from . import limits
from .backends import BACKEND
from .models import (
    AuthenticatorDevice,
    RecoveryCode,
    RecoveryCodeDevice,
    User,
    WrongCodeNotice,
    hash_recovery_code,
)

log = logging.getLogger(__name__)

RECOVERY_CODE_COUNT = 10
PENDING_USER = "2fa_pending_user"
PENDING_SINCE = "2fa_pending_since"
PENDING_TRIES = "2fa_pending_tries"
# Names one sign-in attempt, so a wrong code followed by the right one in the same
# attempt (a typo) is not reported to the owner as someone else's.
PENDING_ATTEMPT = "2fa_pending_attempt"
PENDING_SECONDS = 300
MAX_TRIES = 5
# The authenticator key shown on the setup page this session opened.
SETUP_DEVICE = "2fa_setup_device"
# At most this many "wrong code" mails per person per hour, so nobody can flood an inbox.
NOTICE_MAILS_PER_HOUR = 3


class CodeForm(forms.Form):
    code = forms.CharField(
        max_length=16,
        label="Code",
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].replace(" ", "").replace("-", "").strip().lower()


class SetupForm(CodeForm):
    end_other_sessions = forms.BooleanField(
        required=False,
        initial=True,
        label="Sign out everywhere else",
        help_text=(
            "Recommended. Anyone signed in to your account on another device is signed "
            "out, and will need the code to sign in again."
        ),
    )


def has_two_factor(user: User) -> bool:
    return AuthenticatorDevice.objects.filter(user=user, confirmed=True).exists()


# Setup


def start_setup(request: HttpRequest) -> AuthenticatorDevice:
    """A new secret every time setup starts; any key shown before is thrown away."""
    with transaction.atomic():
        AuthenticatorDevice.objects.filter(user=request.user, confirmed=False).delete()
        device = AuthenticatorDevice.objects.create(
            user=request.user, name="Authenticator app", confirmed=False
        )
    request.session[SETUP_DEVICE] = device.pk
    return device


def setup_device(request: HttpRequest) -> AuthenticatorDevice | None:
    """The unconfirmed key this session was shown, if it is still the one being set up."""
    pk = request.session.get(SETUP_DEVICE)
    if pk is None:
        return None
    return AuthenticatorDevice.objects.filter(pk=pk, user=request.user, confirmed=False).first()


def qr_svg(device: AuthenticatorDevice) -> str:
    qr = segno.make(device.config_url, error="m")
    return qr.svg_inline(scale=5, dark="#111", light="#fff", omitsize=True)


def manual_key(device: AuthenticatorDevice) -> str:
    key = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def confirm_setup(request: HttpRequest, device: AuthenticatorDevice, code: str) -> list[str] | None:
    """Turns two-step sign-in on when the code matches; returns fresh recovery codes.

    This session proved it holds the new key, so it counts as having passed the step.
    """
    if not device.confirm(code):
        return None
    AuthenticatorDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    request.session.pop(SETUP_DEVICE, None)
    otp_login(request, device)
    return new_recovery_codes(device.user)


def _new_code() -> str:
    # 50 random bits in base32 without look-alikes, shown as two groups of five.
    raw = base64.b32encode(secrets.token_bytes(7)).decode("ascii").lower()[:10]
    return f"{raw[:5]}-{raw[5:]}"


@transaction.atomic
def new_recovery_codes(user: User) -> list[str]:
    """Replaces the person's recovery codes; only their hashes are kept."""
    device, _ = RecoveryCodeDevice.objects.get_or_create(
        user=user, defaults={"name": "Recovery codes", "confirmed": True}
    )
    device.codes.all().delete()
    codes = [_new_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, code_hash=hash_recovery_code(code.replace("-", "")))
        for code in codes
    )
    return codes


def remaining_recovery_codes(user: User) -> int:
    return RecoveryCode.objects.filter(device__user=user).count()


def disable(user: User) -> None:
    AuthenticatorDevice.objects.filter(user=user).delete()
    RecoveryCodeDevice.objects.filter(user=user).delete()


# Signing in


def _device_for(user: User, code: str) -> Device | None:
    """The device that would check `code`: six digits are an app code, the rest recovery."""
    if code.isdigit() and len(code) == 6:
        return AuthenticatorDevice.objects.filter(user=user, confirmed=True).first()
    return RecoveryCodeDevice.objects.filter(user=user, confirmed=True).first()


def paused_until(user: User, code: str) -> datetime | None:
    """When django-otp's pause after wrong codes ends, if checking `code` is paused now."""
    device = _device_for(user, code)
    if device is None:
        return None
    allowed, details = device.verify_is_allowed()
    return None if allowed else details["locked_until"]


def verify_code(user: User, code: str) -> Device | None:
    """The device that accepted `code` (a recovery code is used up), or None."""
    device = _device_for(user, code)
    if device is not None and device.verify_token(code):
        return device
    return None


def start_pending_login(request: HttpRequest, user: User) -> None:
    request.session[PENDING_USER] = user.pk
    request.session[PENDING_SINCE] = int(time.time())
    request.session[PENDING_TRIES] = 0
    request.session[PENDING_ATTEMPT] = secrets.token_hex(16)


def pending_user(request: HttpRequest) -> User | None:
    user_id = request.session.get(PENDING_USER)
    since = request.session.get(PENDING_SINCE, 0)
    if user_id is None or time.time() - since > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def clear_pending(request: HttpRequest) -> None:
    for key in (PENDING_USER, PENDING_SINCE, PENDING_TRIES, PENDING_ATTEMPT):
        request.session.pop(key, None)


def finish_login(request: HttpRequest, user: User, device: Device) -> None:
    attempt = request.session.get(PENDING_ATTEMPT, "")
    clear_pending(request)
    # Wrong codes earlier in this same attempt were the person's own typos.
    WrongCodeNotice.objects.filter(user=user, attempt=attempt).delete()
    login(request, user, backend=BACKEND)
    otp_login(request, device)


def session_passed_second_step(request: HttpRequest) -> bool:
    """True when the signed-in person has no second step, or this session passed it."""
    user = request.user
    if not user.is_authenticated or not has_two_factor(user):
        return user.is_authenticated
    persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
    device = Device.from_persistent_id(persistent_id) if persistent_id else None
    return device is not None and device.user_id == user.pk and device.confirmed


# Telling the owner about wrong codes


def local_time(user: User, moment: datetime) -> datetime:
    try:
        zone = zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return timezone.localtime(moment, zone)


def readable_moment(user: User, moment: datetime) -> str:
    return dateformat.format(local_time(user, moment), r"j F Y \a\t H:i")


def readable_wait(seconds: float) -> str:
    seconds = max(1, math.ceil(seconds))
    if seconds < 120:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    if minutes < 120:
        return f"{minutes} minutes"
    return f"{math.ceil(minutes / 60)} hours"


def pause_message(user: User, until: datetime) -> str:
    wait = readable_wait((until - timezone.now()).total_seconds())
    clock = dateformat.format(local_time(user, until), "H:i:s")
    return (
        f"Sign-in is paused for {wait} after several wrong codes (until {clock}). "
        "Your code was not checked. Wait, then enter the code your app shows at that time."
    )


def record_wrong_code(request: HttpRequest, user: User) -> None:
    """Keeps a notice for the owner and, the first time in an attempt, mails them."""
    attempt = request.session.get(PENDING_ATTEMPT, "")
    notice, created = WrongCodeNotice.objects.get_or_create(user=user, attempt=attempt)
    if (
        created
        and user.email
        and limits.hit("wrong-code-mail", str(user.pk), NOTICE_MAILS_PER_HOUR, 3600)
    ):
        _mail_notice(user, notice.failed_at)


def _mail_notice(user: User, moment: datetime) -> None:
    context = {"user": user, "when": readable_moment(user, moment)}
    subject = render_to_string("registration/wrong_code_subject.txt", context).strip()
    body = render_to_string("registration/wrong_code_email.txt", context)
    try:
        send_mail(subject, body, None, [user.email])
    except (smtplib.SMTPException, OSError) as exc:
        # Sign-in goes on; the notice is still shown at the next sign-in.
        log.warning("wrong-code notice mail not sent (%s)", type(exc).__name__)


def take_notices(user: User) -> list[str]:
    """The moments of wrong codes the owner has not been told about, oldest first; now told."""
    notices = list(WrongCodeNotice.objects.filter(user=user).order_by("failed_at"))
    WrongCodeNotice.objects.filter(pk__in=[n.pk for n in notices]).delete()
    return [readable_moment(user, notice.failed_at) for notice in notices]
