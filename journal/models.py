"""The private journal: commitments, check-ins and lesson reflections.

Every free-text column is encrypted at rest (trustrepair.crypto), so text is
never filtered, sorted or searched in SQL; the indexes cover the plain columns
that are (owner, status, dates).
"""

import datetime

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import connections, models, router
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from guides.models import Lesson, Stage, Strategy
from trustrepair import sql
from trustrepair.crypto import EncryptedTextField

from .scales import COMMUNICATION, CONNECTION, TRUST, Scale

COMMITMENT_MAX = 300
ANSWER_MAX = 2000
NOTE_MAX = 5000


class CommitmentStatus(models.TextChoices):
    OPEN = "open", "Open"
    KEPT = "kept", "Kept"
    MISSED = "missed", "Missed"
    RENEGOTIATED = "renegotiated", "Renegotiated"


RESOLVED = (CommitmentStatus.KEPT, CommitmentStatus.MISSED, CommitmentStatus.RENEGOTIATED)


def local_now() -> datetime.datetime:
    """Now, in the time zone of the person being served (activated by middleware)."""
    return timezone.localtime()


def scale_validators(scale: Scale) -> list:
    return [MinValueValidator(scale.low), MaxValueValidator(scale.high)]


def overdue_q(now: datetime.datetime) -> Q:
    """Open commitments whose due date (a wall-clock date, and maybe time) has passed."""
    today = now.date()
    return Q(status=CommitmentStatus.OPEN) & (
        Q(due_date__lt=today) | Q(due_date=today, due_time__isnull=False, due_time__lte=now.time())
    )


class Commitment(models.Model):
    """ "I said I would ...": a promise made, then kept, missed or renegotiated early."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="commitments"
    )
    text = EncryptedTextField(validators=[MaxLengthValidator(COMMITMENT_MAX)])
    # Due dates are wall-clock values in the owner's time zone: "by Friday" means
    # their Friday, even if they later travel or change the setting.
    due_date = models.DateField(null=True, blank=True)
    due_time = models.TimeField(null=True, blank=True)
    strategy = models.CharField(max_length=32, choices=Strategy.choices)
    lesson = models.ForeignKey(
        Lesson, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = EncryptedTextField(blank=True, validators=[MaxLengthValidator(NOTE_MAX)])
    status = models.CharField(
        max_length=16, choices=CommitmentStatus.choices, default=CommitmentStatus.OPEN
    )
    renegotiation_reason = EncryptedTextField(
        blank=True, validators=[MaxLengthValidator(ANSWER_MAX)]
    )
    # The promise this one replaced when it was renegotiated (see renegotiate()).
    renegotiated_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="renegotiated_as"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    # A default rather than auto_now_add, so the demo and tests can write history.
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "created_at"]),
            models.Index(fields=["user", "status", "due_date"]),
            models.Index(fields=["user", "status", "resolved_at"]),
            models.Index(fields=["user", "strategy", "status"]),
        ]

    def __str__(self) -> str:
        return f"Commitment {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("journal:commitment_edit", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == CommitmentStatus.OPEN

    def is_overdue_at(self, now: datetime.datetime) -> bool:
        if not self.is_open or self.due_date is None:
            return False
        today = now.date()
        if self.due_date != today:
            return self.due_date < today
        return self.due_time is not None and self.due_time <= now.time()

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_at(local_now())

    def resolve(self, status: str, reason: str = "", when: datetime.datetime | None = None) -> None:
        if status not in RESOLVED:
            raise ValueError(f"not a resolved status: {status}")
        self.status = status
        self.resolved_at = when or timezone.now()
        # Only a renegotiation has a reason: it was said in advance, and why.
        self.renegotiation_reason = reason if status == CommitmentStatus.RENEGOTIATED else ""
        self.save(update_fields=["status", "resolved_at", "renegotiation_reason", "updated_at"])

    def renegotiate(
        self,
        reason: str,
        text: str,
        due_date: datetime.date | None,
        due_time: datetime.time | None = None,
    ) -> "Commitment":
        """Resolves this promise as renegotiated and opens the new one, linked to it."""
        self.resolve(CommitmentStatus.RENEGOTIATED, reason)
        return Commitment.objects.create(
            user_id=self.user_id,
            text=text,
            due_date=due_date,
            due_time=due_time if due_date else None,
            strategy=self.strategy,
            lesson_id=self.lesson_id,
            renegotiated_from=self,
        )

    def reopen(self) -> None:
        # Undoing a renegotiation takes back the promise it opened, if nothing was done with it.
        if self.status == CommitmentStatus.RENEGOTIATED:
            self.renegotiated_as.filter(status=CommitmentStatus.OPEN).delete()
        self.status = CommitmentStatus.OPEN
        self.resolved_at = None
        self.renegotiation_reason = ""
        self.save(update_fields=["status", "resolved_at", "renegotiation_reason", "updated_at"])

    def set_status(self, status: str, reason: str = "") -> None:
        if status == CommitmentStatus.OPEN:
            self.reopen()
        else:
            self.resolve(status, reason)


class CheckIn(models.Model):
    """A dated look at how things feel: three ratings, a few answers, a private note."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins"
    )
    # The day in the owner's time zone; one check-in per day.
    date = models.DateField()
    trust = models.PositiveSmallIntegerField(validators=scale_validators(TRUST))
    communication = models.PositiveSmallIntegerField(validators=scale_validators(COMMUNICATION))
    connection = models.PositiveSmallIntegerField(validators=scale_validators(CONNECTION))
    working = EncryptedTextField(blank=True, validators=[MaxLengthValidator(ANSWER_MAX)])
    needs_work = EncryptedTextField(blank=True, validators=[MaxLengthValidator(ANSWER_MAX)])
    appreciation = EncryptedTextField(blank=True, validators=[MaxLengthValidator(ANSWER_MAX)])
    prompt = models.CharField(max_length=32, blank=True)
    prompt_answer = EncryptedTextField(blank=True, validators=[MaxLengthValidator(ANSWER_MAX)])
    # The safety question: None when left unanswered.
    safety_concern = models.BooleanField(null=True, blank=True)
    private_note = EncryptedTextField(blank=True, validators=[MaxLengthValidator(NOTE_MAX)])
    stage = models.ForeignKey(
        Stage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lesson = models.ForeignKey(
        Lesson, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "date"], name="one_checkin_per_day"),
        ]
        indexes = [
            models.Index(fields=["user", "created_at"]),
            models.Index(fields=["user", "stage"]),
        ]

    def __str__(self) -> str:
        return f"Check-in {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("journal:checkin_detail", args=[self.pk])


class LessonReflection(models.Model):
    """A private answer to a lesson's reflection question."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    text = EncryptedTextField(validators=[MaxLengthValidator(ANSWER_MAX)])
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="one_reflection_per_lesson"),
        ]
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"Reflection {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("journal:reflection_edit", args=[self.pk])


class PartnerFeatures(models.Model):
    """A person's own, private confirmation that they want partner features (sharing,
    linking) although they said they are afraid. See journal.safety."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_features"
    )
    confirmed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Partner features of {self.user_id}"


# The check-in a person already has on a day, if any: asked before every new check-in
# is saved. A precompiled SELECT of the id: the ORM's query cost ~0.5 ms to build, a
# quarter of the check-in view; names come from the model, the values are parameters.
_CHECKIN_ON = "SELECT {CheckIn.id} FROM {CheckIn} WHERE {CheckIn.user} = %s AND {CheckIn.date} = %s"


def checkin_on(user_id: int, day: datetime.date) -> CheckIn | None:
    """The person's check-in of `day` with its id and date loaded (a link to it), or None."""
    using = router.db_for_read(CheckIn)
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(
            sql.statement(_CHECKIN_ON, using, CheckIn),
            [user_id, connection.ops.adapt_datefield_value(day)],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return CheckIn.from_db(using, ["id", "user_id", "date"], [row[0], user_id, day])
