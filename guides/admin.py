from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from .models import Helpline, Lesson, LessonProgress, Stage

# Everything here comes from guides/content through `manage.py sync_guides`; an edit
# made in the admin would be overwritten by the next load, so these fields are read-only.
FILE_FIELDS = (
    "slug",
    "title",
    "stage",
    "position",
    "summary",
    "audience",
    "covers",
    "reflection",
    "try_this",
    "try_this_commitment",
    "try_this_strategy",
    "takeaways",
    "body_markdown",
    "body_html",
    "body_text",
    "toc",
    "word_count",
    "reading_minutes",
    "source_path",
    "content_hash",
    "retired",
    "updated_at",
)


class FromFilesAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Deleting a lesson would delete everyone's progress on it; retire it instead
        # by removing its file.
        return False


@admin.register(Stage)
class StageAdmin(FromFilesAdmin):
    list_display = ("position", "title", "slug", "lesson_count")
    readonly_fields = ("slug", "title", "position", "summary")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Stage]:
        return (
            super()
            .get_queryset(request)
            .annotate(n_lessons=Count("lessons", filter=Q(lessons__retired=False)))
        )

    @admin.display(description="Lessons", ordering="n_lessons")
    def lesson_count(self, stage: Stage) -> int:
        return stage.n_lessons  # type: ignore[attr-defined]


@admin.register(Lesson)
class LessonAdmin(FromFilesAdmin):
    list_display = (
        "title",
        "stage",
        "position",
        "audience",
        "reading_minutes",
        "word_count",
        "retired",
    )
    list_filter = ("stage", "audience", "retired")
    list_select_related = ("stage",)
    search_fields = ("title", "slug", "summary")
    readonly_fields = FILE_FIELDS
    fields = FILE_FIELDS


@admin.register(Helpline)
class HelplineAdmin(FromFilesAdmin):
    """The safety page's lines, from HELPLINES_FILE; edit the file, not these rows."""

    list_display = ("name", "region", "topic", "phone", "checked")
    list_filter = ("topic", "region")
    readonly_fields = fields = (
        "topic",
        "region",
        "name",
        "phone",
        "text",
        "url",
        "hours",
        "note",
        "checked",
        "position",
    )


@admin.register(LessonProgress)
class LessonProgressAdmin(admin.ModelAdmin):
    list_display = ("user", "lesson", "started_at", "last_viewed_at", "completed_at")
    list_filter = (("completed_at", admin.EmptyFieldListFilter), "lesson__stage")
    list_select_related = ("user", "lesson")
    date_hierarchy = "last_viewed_at"
    readonly_fields = ("user", "lesson", "started_at", "last_viewed_at", "completed_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
