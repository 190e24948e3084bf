from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from guides.models import Lesson
from trustrepair.http import AuthenticatedHttpRequest
from trustrepair.kept_words import login_required_keeping_words

from ..access import owned
from ..forms import ReflectionForm
from ..models import LessonReflection


@login_required_keeping_words
@require_http_methods(["GET", "HEAD", "POST"])
def reflection_save(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Saves the answer to a lesson's reflection question, from the lesson page.

    Its GET is the same form on a page of its own (where words kept after a timeout
    come back).
    """
    lesson = get_object_or_404(Lesson.objects.published().select_related("stage"), slug=slug)
    reflection = LessonReflection.objects.filter(user=request.user, lesson=lesson).first()
    form = ReflectionForm(
        request.POST or None,
        instance=reflection or LessonReflection(user=request.user, lesson=lesson),
        question=lesson.reflection,
    )
    if request.method != "POST":
        return render(
            request,
            "journal/reflection_form.html",
            {"form": form, "lesson": lesson, "reflection": reflection},
        )
    saved = form.is_valid()
    if saved:
        reflection = form.save()
        form = ReflectionForm(instance=reflection, question=lesson.reflection)
    if request.htmx:
        return render(
            request,
            "journal/includes/lesson_journal.html#reflection-form",
            {"lesson": lesson, "form": form, "reflection": reflection, "just_saved": saved},
        )
    if saved:
        messages.success(request, "Your reflection is saved in your journal.")
        return redirect(lesson.get_absolute_url())
    return render(
        request,
        "journal/reflection_form.html",
        {"form": form, "lesson": lesson, "reflection": reflection},
    )


@login_required_keeping_words
@owned(LessonReflection)
@require_http_methods(["GET", "HEAD", "POST"])
def reflection_edit(
    request: AuthenticatedHttpRequest, reflection: LessonReflection
) -> HttpResponse:
    form = ReflectionForm(
        request.POST or None, instance=reflection, question=reflection.lesson.reflection
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your reflection is saved.")
        return redirect("journal:timeline")
    return render(
        request,
        "journal/reflection_form.html",
        {"form": form, "lesson": reflection.lesson, "reflection": reflection},
    )


@login_required
@owned(LessonReflection)
@require_http_methods(["GET", "HEAD", "POST"])
def reflection_delete(
    request: AuthenticatedHttpRequest, reflection: LessonReflection
) -> HttpResponse:
    if request.method == "POST":
        reflection.delete()
        messages.success(request, "The reflection is deleted.")
        return redirect("journal:timeline")
    return render(
        request,
        "journal/confirm_delete.html",
        {
            "kind": "reflection",
            "summary": f"Your reflection on “{reflection.lesson.title}”",
            "action": reverse("journal:reflection_delete", args=[reflection.pk]),
        },
    )
