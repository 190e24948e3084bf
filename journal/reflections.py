"""Lesson reflections as the lesson page needs them."""

from django.db.models import DateTimeField, OuterRef, QuerySet, Subquery

from trustrepair.crypto import EncryptedTextField

from .models import LessonReflection


def with_reader_reflection(lessons: QuerySet, user: object) -> QuerySet:
    """Adds the reader's own reflection to a lesson query, so the page needs no extra query."""
    if not getattr(user, "is_authenticated", False):
        return lessons
    mine = LessonReflection.objects.filter(user=user, lesson=OuterRef("pk"))
    return lessons.annotate(
        reader_reflection_id=Subquery(mine.values("pk")[:1]),
        reader_reflection_text=Subquery(mine.values("text")[:1], output_field=EncryptedTextField()),
        reader_reflection_updated_at=Subquery(
            mine.values("updated_at")[:1], output_field=DateTimeField()
        ),
    )
