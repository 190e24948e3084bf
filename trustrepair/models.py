import zoneinfo
from functools import cache

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone


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


class UserSession(AbstractBaseSession):
    """A database session that knows its user, so people can see and end their sessions."""

    user = models.ForeignKey(User, null=True, on_delete=models.CASCADE, related_name="sessions")
    # Copied from the session's own data on every save (see trustrepair.sessions).
    created_at = models.DateTimeField(default=timezone.now)
    # A coarse browser/OS label (e.g. "Firefox on Linux"), never the full user agent.
    device = models.CharField(max_length=60, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "expire_date"])]

    @classmethod
    def get_session_store_class(cls) -> type:
        from trustrepair.sessions import SessionStore

        return SessionStore
