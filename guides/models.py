from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Count, JSONField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, JSONObject
from django.urls import reverse

from trustrepair.crypto import EncryptedTextField

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from trustrepair.models import User


class Audience(models.TextChoices):
    BOTH = "both", "Both partners"
    DISTRUSTED = "distrusted", "Mainly for the partner who is not trusted"
    DISTRUSTING = "distrusting", "Mainly for the partner who finds trust hard"


class Strategy(models.TextChoices):
    TRANSPARENCY = "transparency", "Transparency"
    RELIABILITY = "reliability", "Reliability"
    COMMUNICATION = "communication", "Communication"
    EMPATHY = "empathy", "Empathy"
    ACCOUNTABILITY = "accountability", "Accountability"
    PATIENCE = "patience", "Patience"
    APPRECIATION = "appreciation", "Appreciation"
    SHARED_TIME = "shared_time", "Shared time"
    VULNERABILITY = "vulnerability", "Vulnerability"
    BOUNDARIES = "boundaries", "Boundaries"
    SELF_AWARENESS = "self_awareness", "Self-awareness"
    PROFESSIONAL_SUPPORT = "professional_support", "Professional support"


class Stage(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=120)
    summary = models.TextField()
    position = models.PositiveSmallIntegerField(unique=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("guides:stage", args=[self.slug])


# Large text columns that lists of lessons never show.
BODY_FIELDS = ("body_markdown", "body_html", "body_text")


class LessonQuerySet(models.QuerySet["Lesson"]):
    def published(self) -> "LessonQuerySet":
        return self.filter(retired=False)

    def in_course_order(self) -> "LessonQuerySet":
        return self.order_by("stage__position", "position")

    def with_neighbours(self) -> "LessonQuerySet":
        """Adds previous_lesson and next_lesson (a dict or None), across stage boundaries.

        Correlated subqueries keep the lesson page to one query for the lesson and its
        surroundings, whatever the size of the course.
        """
        return self.annotate(
            previous_lesson=_neighbour(after=False), next_lesson=_neighbour(after=True)
        )

    def with_stage_counts(self, user: "User | AnonymousUser | None") -> "LessonQuerySet":
        """Adds stage_total (published lessons in the lesson's stage) and stage_done
        (how many of them this user completed; 0 for an anonymous reader)."""
        total = (
            Lesson.objects.published()
            .filter(stage=OuterRef("stage"))
            .order_by()
            .values("stage")
            .annotate(n=Count("pk"))
            .values("n")
        )
        queryset = self.annotate(stage_total=Coalesce(Subquery(total), 0))
        if user is None or not user.is_authenticated:
            return queryset.annotate(stage_done=models.Value(0))
        done = (
            LessonProgress.objects.filter(
                user=user,
                completed_at__isnull=False,
                lesson__retired=False,
                lesson__stage=OuterRef("stage"),
            )
            .order_by()
            .values("user")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return queryset.annotate(stage_done=Coalesce(Subquery(done), 0))


def _neighbour(*, after: bool) -> Subquery:
    stage_position, position = OuterRef("stage__position"), OuterRef("position")
    if after:
        where = Q(stage__position__gt=stage_position) | Q(
            stage__position=stage_position, position__gt=position
        )
        order = ("stage__position", "position")
    else:
        where = Q(stage__position__lt=stage_position) | Q(
            stage__position=stage_position, position__lt=position
        )
        order = ("-stage__position", "-position")
    rows = (
        Lesson.objects.published()
        .filter(where)
        .order_by(*order)
        .values(
            link=JSONObject(
                slug="slug",
                title="title",
                stage="stage__slug",
                stage_title="stage__title",
                stage_position="stage__position",
            )
        )[:1]
    )
    return Subquery(rows, output_field=JSONField())


class Lesson(models.Model):
    """A lesson loaded from guides/content; the files are the source of truth."""

    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="lessons")
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=160)
    position = models.PositiveSmallIntegerField()
    summary = models.CharField(max_length=300)
    audience = models.CharField(max_length=16, choices=Audience.choices, default=Audience.BOTH)
    covers = models.JSONField(default=list, blank=True)
    reflection = models.TextField()
    try_this = models.TextField()
    try_this_commitment = models.CharField(max_length=200)
    try_this_strategy = models.CharField(max_length=32, choices=Strategy.choices)
    takeaways = models.JSONField(default=list)
    body_markdown = models.TextField()
    body_html = models.TextField()
    # Plain text of the body, for search and result snippets.
    body_text = models.TextField(blank=True, default="")
    toc = models.JSONField(default=list, blank=True)
    word_count = models.PositiveIntegerField(default=0)
    reading_minutes = models.PositiveSmallIntegerField(default=1)
    source_path = models.CharField(max_length=255)
    content_hash = models.CharField(max_length=64)
    # A lesson whose file disappears is retired, never deleted, so progress survives.
    retired = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["stage__position", "position"]
        indexes = [models.Index(fields=["stage", "position"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("guides:lesson", args=[self.stage.slug, self.slug])

    @property
    def has_toc(self) -> bool:
        # A contents list only helps once a lesson is long enough to jump around in.
        return len(self.toc) >= 4


class LessonProgress(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    started_at = models.DateTimeField()
    last_viewed_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="one_progress_per_lesson")
        ]
        indexes = [models.Index(fields=["user", "last_viewed_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.lesson}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class HelplineTopic(models.TextChoices):
    EMERGENCY = "emergency", "Emergency services"
    ABUSE = "abuse", "Domestic abuse support"
    CRISIS = "crisis", "Mental-health crisis support"
    CHANGE = "change", "Help to stop controlling or abusive behaviour"


class Helpline(models.Model):
    """A line on the safety page, loaded from the helpline directory file."""

    topic = models.CharField(max_length=16, choices=HelplineTopic.choices)
    region = models.CharField(max_length=80)
    name = models.CharField(max_length=120)
    phone = models.CharField(max_length=40, blank=True)
    # Whether and how the service can be reached by text message.
    text = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=300, blank=True)
    hours = models.CharField(max_length=160, blank=True)
    note = models.CharField(max_length=300, blank=True)
    # When the number and address were last checked against the service's own site.
    checked = models.DateField()
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.name} ({self.region})"

    @property
    def tel_href(self) -> str:
        digits = "".join(c for c in self.phone if c.isdigit() or c == "+")
        return f"tel:{digits}" if digits else ""


class HelplineNote(models.Model):
    """The directory's advice on finding a local service: one row, from the same file."""

    find_local = models.TextField()

    def __str__(self) -> str:
        return "How to find a local service"


class Side(models.TextChoices):
    """Which side of the doubt a person is on ("start here", first question)."""

    DOUBTED = "doubted", "My partner doubts me"
    DISTRUSTING = "distrusting", "I find it hard to trust my partner"
    BOTH = "both", "Both: we each find it hard to trust the other"
    NOT_SURE = "not-sure", "Not sure"


class Situation(models.TextChoices):
    """What is going on ("start here", second question)."""

    BREACH_RECENT = (
        "breach-recent",
        "A breach of trust in this relationship, in the last few months",
    )
    BREACH_PAST = "breach-past", "A breach of trust in this relationship, longer ago"
    OLD_HURTS = "old-hurts", "Old hurts from before this relationship"
    FRICTION = "friction", "Everyday friction and misunderstandings"
    NOT_SURE = "not-sure", "Not sure"


class PathStep(models.Model):
    """One lesson on the path for one combination of answers, loaded from paths.yaml.

    A row per (side, situation, position) so that finding a person's path is one
    indexed query; the file may give several combinations the same list.
    """

    side = models.CharField(max_length=16, choices=Side.choices)
    situation = models.CharField(max_length=16, choices=Situation.choices)
    position = models.PositiveSmallIntegerField()
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="path_steps")
    # The track's name in the file, for writers reading the admin or a report.
    track = models.SlugField(max_length=60)

    class Meta:
        ordering = ["side", "situation", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["side", "situation", "position"], name="one_lesson_per_path_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.track} {self.position}"


class SelfCheck(models.Model):
    """A person's answers to "start here", encrypted like journal text.

    `answers` holds JSON: side, situation, and the safety answer with when it was
    given. Nothing about the answers is kept in a plain column, so neither a database
    dump nor an index can tell what anyone said.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="self_check"
    )
    answers = EncryptedTextField(default="{}")
    # Set when the person reaches the end (answering or skipping each question);
    # a path is shown from then on.
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Start-here answers of {self.user_id}"
