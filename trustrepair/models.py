import zoneinfo
from functools import cache

from django.contrib.auth.models import AbstractUser
from django.db import models


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class User(AbstractUser):
    """A person using the app. Email is optional: people may not want it tied to this."""

    email = models.EmailField("email address", blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")

    # Names are not asked for; keep the columns out of the way.
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.username
