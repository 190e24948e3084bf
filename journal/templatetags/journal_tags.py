from django import template

from guides.models import Lesson

from ..forms import ReflectionForm
from ..models import LessonReflection
from ..scales import SCALES, Scale
from ..suggestions import PROMPT_LABELS

register = template.Library()


@register.inclusion_tag("journal/includes/lesson_journal.html", takes_context=True)
def lesson_journal(context: template.Context, lesson: Lesson) -> dict:
    """The lesson page's link to the journal: a commitment from "try this", and a reflection.

    One query for a signed-in reader (their saved reflection); none for anyone else.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"lesson": lesson, "signed_in": False, "request": request}
    reflection = LessonReflection.objects.filter(user=user, lesson=lesson).first()
    return {
        "lesson": lesson,
        "signed_in": True,
        "reflection": reflection,
        "form": ReflectionForm(instance=reflection, question=lesson.reflection),
        "request": request,
    }


@register.simple_tag
def rating_scales() -> tuple[Scale, ...]:
    """The three ratings, in order: `{% rating_scales as scales %}`."""
    return SCALES


@register.filter
def rating(entry: object, scale: Scale) -> object:
    """A check-in's (or a summary point's) value on a scale: `{{ checkin|rating:scale }}`."""
    if isinstance(entry, dict):
        return entry.get(scale.field)
    return getattr(entry, scale.field, None)


@register.filter
def prompt_question(key: str) -> str:
    """The question a check-in's prompt key stands for."""
    return PROMPT_LABELS.get(key, "")
