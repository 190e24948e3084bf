from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from trustrepair.http import HtmxHttpRequest
from trustrepair.models import User

from .caching import SharedLessonPage, shareable
from .models import Lesson
from .outline import NO_PROGRESS, course_outline, progress_of, read_stage, resume_lesson
from .progress import mark_complete, mark_incomplete, record_view
from .search import MAX_QUERY_LENGTH, clean_query, search_lessons
from .start_here import path_for


@require_safe
def index(request: HtmxHttpRequest) -> HttpResponse:
    """The whole course; for someone who answered "start here", their path first, with
    the whole course one click away (?all=1)."""
    user = request.user
    your_path = path_for(user) if user.is_authenticated else None
    show_course = your_path is None or request.GET.get("all") == "1"
    # The outline is built once per process; the reader's progress is one small query.
    outline = course_outline() if show_course else None
    lessons = outline.lessons if outline is not None else []
    progress = progress_of(user) if outline is not None else {}
    stages = [read_stage(row, progress) for row in outline.stages] if outline is not None else []
    context = {
        "your_path": your_path,
        "show_course": show_course,
        "stage_sections": [row.section(with_progress=user.is_authenticated) for row in stages],
        "resume": resume_lesson(lessons, progress) if user.is_authenticated else None,
        "has_started": any(progress.get(lesson.pk, NO_PROGRESS)[1] for lesson in lessons),
        "lesson_count": len(lessons),
    }
    return render(request, "guides/index.html", context)


@require_safe
def stage(request: HtmxHttpRequest, stage_slug: str) -> HttpResponse:
    stages = course_outline().stages
    for number, found in enumerate(stages):
        if found.slug == stage_slug:
            context = {
                "row": read_stage(found, progress_of(request.user)),
                "previous_stage": stages[number - 1] if number else None,
                "next_stage": stages[number + 1] if number + 1 < len(stages) else None,
            }
            return render(request, "guides/stage.html", context)
    raise Http404("No such stage")


def lesson_page_or_404(stage_slug: str, lesson_slug: str, user: User | AnonymousUser) -> Lesson:
    """The published lesson with everything its page shows, in one query."""
    lessons = (
        Lesson.objects.published()
        .select_related("stage")
        .with_neighbours()
        .with_stage_counts(user)
        .filter(stage__slug=stage_slug, slug=lesson_slug)
    )
    lesson = lessons.first()
    if lesson is None:
        raise Http404("No such lesson")
    return lesson


@require_safe
def lesson(request: HtmxHttpRequest, stage_slug: str, lesson_slug: str) -> HttpResponse:
    shared = SharedLessonPage(request, stage_slug, lesson_slug) if shareable(request) else None
    if shared is not None and shared.known and (cached := shared.cached_response()):
        return cached
    try:
        lesson = lesson_page_or_404(stage_slug, lesson_slug, request.user)
    except Http404:
        # A lesson that moved to another stage keeps working at its old address.
        moved = Lesson.objects.published().select_related("stage").filter(slug=lesson_slug).first()
        if moved is not None:
            return redirect(moved)
        raise

    if request.user.is_authenticated:
        progress = record_view(request.user, lesson)
        return render(request, "guides/lesson.html", {"lesson": lesson, "progress": progress})

    response = render(request, "guides/lesson.html", {"lesson": lesson, "progress": None})
    return shared.store(response) if shared is not None and shared.known else response


def _completion(
    request: HtmxHttpRequest, stage_slug: str, lesson_slug: str, *, done: bool
) -> HttpResponse:
    if not request.user.is_authenticated:
        # A session that timed out while the page was open: htmx must leave the page
        # for the login form rather than swap the form into the lesson.
        to_login = redirect_to_login(reverse("guides:lesson", args=[stage_slug, lesson_slug]))
        return HttpResponseClientRedirect(to_login.url) if request.htmx else to_login
    lesson = lesson_page_or_404(stage_slug, lesson_slug, request.user)
    if done:
        progress = mark_complete(request.user, lesson)
    else:
        mark_incomplete(request.user, lesson)
        progress = record_view(request.user, lesson)
    if not request.htmx:
        return redirect(f"{lesson.get_absolute_url()}#lesson-progress")
    # Counted again after the change, for the stage progress bar.
    lesson = lesson_page_or_404(stage_slug, lesson_slug, request.user)
    return render(
        request, "guides/lesson.html#completion", {"lesson": lesson, "progress": progress}
    )


@require_POST
def complete(request: HtmxHttpRequest, stage_slug: str, lesson_slug: str) -> HttpResponse:
    return _completion(request, stage_slug, lesson_slug, done=True)


@require_POST
def incomplete(request: HtmxHttpRequest, stage_slug: str, lesson_slug: str) -> HttpResponse:
    return _completion(request, stage_slug, lesson_slug, done=False)


@require_safe
def search(request: HtmxHttpRequest) -> HttpResponse:
    query = clean_query(request.GET.get("q", ""))
    context = {
        "query": query,
        "results": search_lessons(query) if query else [],
        "max_length": MAX_QUERY_LENGTH,
    }
    template = "guides/search.html#results" if request.htmx else "guides/search.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
