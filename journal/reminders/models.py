"""A person's reminder settings and the devices that may show their reminders.

Reminders are opt-in: without a settings row, or with no channel chosen, nothing is
ever sent. Times and days are wall-clock values in the person's own time zone
(User.time_zone), so "Tuesdays at 20:00" stays 20:00 across daylight-saving changes.
"""

import datetime
import secrets

from django.conf import settings
from django.db import models

from trustrepair.crypto import EncryptedTextField

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


def new_link_token() -> str:
    return secrets.token_urlsafe(16)


class ReminderSettings(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_settings"
    )
    by_email = models.BooleanField(default=False)
    by_push = models.BooleanField(default=False)
    # Weekday numbers, Monday = 0, as datetime.date.weekday() counts them.
    days = models.JSONField(default=list, blank=True)
    at = models.TimeField(default=datetime.time(20, 0))
    # Also remind on a day when an open commitment is due (still at most once a day).
    commitments_due = models.BooleanField(default=False)
    quiet_from = models.TimeField(null=True, blank=True)
    quiet_until = models.TimeField(null=True, blank=True)
    paused_until = models.DateTimeField(null=True, blank=True)
    stopped = models.BooleanField(default=False)
    # The local day of the last reminder sent; claimed with a conditional update so
    # that two scheduler runs can never both send one on the same day.
    last_sent_on = models.DateField(null=True, blank=True)
    # Part of the signed pause and stop links; a new one makes old links stop working.
    token = models.CharField(max_length=32, default=new_link_token)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "reminder settings"
        indexes = [models.Index(fields=["stopped", "paused_until"])]

    def __str__(self) -> str:
        return f"Reminders of {self.user_id}"

    @property
    def has_channel(self) -> bool:
        return self.by_email or self.by_push


class PushSubscription(models.Model):
    """A browser's Web Push subscription (PushManager.subscribe), for this person.

    The endpoint and keys let our server (with its VAPID key) show a notification on
    that device; they are encrypted like journal text and left out of the export.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = EncryptedTextField()
    # JSON: {"p256dh": ..., "auth": ...}, as the browser gives them.
    key = EncryptedTextField()
    # A hash of the endpoint, so the same device subscribing again replaces its row.
    endpoint_hash = models.CharField(max_length=64, unique=True)
    # A coarse label ("Chrome on Android"), never the full user agent.
    device = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Push subscription {self.pk}"
