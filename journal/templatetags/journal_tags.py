import functools

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

from guides.models import Lesson

from ..forms import ReflectionForm
from ..models import LessonReflection
from ..scales import SCALES, Scale
from ..suggestions import PROMPT_LABELS

register = template.Library()


# Keyed by a URL name written in a template (never by anything a request sends) and by
# the settings reverse() reads, so bounded and right if the prefix or urlconf change.
@functools.lru_cache(maxsize=64)
def _fixed_url(name: str, urlconf: str | None, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


@register.simple_tag
def fixed_url(name: str) -> str:
    """{% url name %} for a URL without arguments, reversed once per process.

    The journal's pages link to the same handful of fixed URLs on every request;
    reverse() cost ~0.1 ms each. Escaped on output as {% url %} is.
    """
    return _fixed_url(name, get_urlconf(settings.ROOT_URLCONF), get_script_prefix())


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
