from django import template

from guides.models import Lesson

from ..forms import ReflectionForm
from ..models import LessonReflection

register = template.Library()


@register.inclusion_tag("journal/includes/lesson_journal.html", takes_context=True)
def lesson_journal(context: template.Context, lesson: Lesson) -> dict:
    """The lesson page's link to the journal: a commitment from "try this", and a reflection.

    One query for a signed-in reader (their saved reflection), or none when the lesson
    came from `with_reader_reflection`; none for anyone else.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"lesson": lesson, "signed_in": False, "request": request}
    reflection = preloaded_reflection(lesson, user)
    if reflection is False:
        reflection = LessonReflection.objects.filter(user=user, lesson=lesson).first()
    return {
        "lesson": lesson,
        "signed_in": True,
        "reflection": reflection,
        "form": ReflectionForm(instance=reflection, question=lesson.reflection),
        "request": request,
    }


def preloaded_reflection(lesson: Lesson, user: object) -> LessonReflection | bool | None:
    """The reader's reflection if the lesson query already brought it, else False."""
    if not hasattr(lesson, "reader_reflection_id"):
        return False
    if lesson.reader_reflection_id is None:
        return None
    return LessonReflection(
        pk=lesson.reader_reflection_id,
        user=user,
        lesson=lesson,
        text=lesson.reader_reflection_text,
        updated_at=lesson.reader_reflection_updated_at,
    )
