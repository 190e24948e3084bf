"""Small, explicit helpers for test data."""

import datetime

from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from trustrepair import twofactor
from trustrepair.models import AuthenticatorDevice, RecoveryCodeDevice, User

PASSWORD = "correct-horse-battery-staple-42"


def make_user(username: str = "robin", password: str = PASSWORD, **extra) -> User:
    return User.objects.create_user(username=username, password=password, **extra)


HTMX = {"HTTP_HX_REQUEST": "true"}


def reauthenticated_client(user: User) -> Client:
    """Signed in, with the password given again just now (sharing, export, 2FA ask for it)."""
    client = Client()
    client.force_login(user)
    client.post(reverse("confirm_password"), {"password": PASSWORD})
    return client


def current_code(device: AuthenticatorDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def user_with_two_factor(username: str = "sky", **extra) -> tuple:
    """A person with two-step sign-in on: (user, authenticator device, recovery codes)."""
    user = make_user(username, **extra)
    device = AuthenticatorDevice.objects.create(user=user, name="Authenticator app")
    codes = twofactor.new_recovery_codes(user)
    return user, device, codes


def end_the_pause(user: User) -> None:
    """Moves django-otp's pause after wrong codes into the past, as if time had passed."""
    long_ago = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    for model in (AuthenticatorDevice, RecoveryCodeDevice):
        model.objects.filter(user=user).update(throttling_failure_timestamp=long_ago)
