"""Small, explicit helpers for test data."""

from trustrepair.models import User

PASSWORD = "correct-horse-battery-staple-42"


def make_user(username: str = "robin", password: str = PASSWORD, **extra) -> User:
    return User.objects.create_user(username=username, password=password, **extra)


HTMX = {"HTTP_HX_REQUEST": "true"}
