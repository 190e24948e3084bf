"""Small, explicit helpers for test data."""

from django.test import Client
from django.urls import reverse

from trustrepair.models import User

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
