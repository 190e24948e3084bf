"""A frozen check-in summary a person chose to share, behind a link that expires."""

import json

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from trustrepair.crypto import EncryptedTextField

MESSAGE_MAX = 1000
REPLY_MAX = 500


class ShareQuerySet(models.QuerySet["Share"]):
    def live(self) -> "ShareQuerySet":
        return self.filter(
            revoked_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True
        )


class Share(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shares"
    )
    # Only a hash of the link's token is kept: a database dump cannot open a share.
    token_hash = models.CharField(max_length=64, unique=True)
    period_start = models.DateField()
    period_end = models.DateField()
    # The summary as it was when the link was made (JSON, encrypted at rest).
    snapshot_json = EncryptedTextField()
    message = EncryptedTextField(blank=True, validators=[MaxLengthValidator(MESSAGE_MAX)])
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    view_count = models.PositiveIntegerField(default=0)
    first_viewed_at = models.DateTimeField(null=True, blank=True)
    last_viewed_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    reply = EncryptedTextField(blank=True, validators=[MaxLengthValidator(REPLY_MAX)])
    replied_at = models.DateTimeField(null=True, blank=True)

    objects = ShareQuerySet.as_manager()

    class Meta:
        # The table kept its name when sharing became an app of its own.
        db_table = "journal_share"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "created_at"], name="journal_sha_user_id_42d27a_idx")
        ]

    def __str__(self) -> str:
        return f"Share {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("sharing:detail", args=[self.pk])

    @property
    def snapshot(self) -> dict:
        return json.loads(self.snapshot_json)

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "active"
