from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods, require_safe

from guides.progress import current_lesson_for, next_lesson_for
from trustrepair.http import AuthenticatedHttpRequest
from trustrepair.kept_words import login_required_keeping_words

from .. import insights
from ..access import owned
from ..checkin_forms import CheckInForm
from ..models import CheckIn, local_now
from ..suggestions import PROMPT_LABELS

# The confirmation after saving is shown once, on the check-in's page.
JUST_SAVED = "checkin_just_saved"
# After a first "yes" to the safety question, the help is shown once with it.
SAFETY_HELP_ONCE = "safety_help_once"


def _saved(
    request: AuthenticatedHttpRequest, form: CheckInForm, checkin: CheckIn, *, is_new: bool
) -> HttpResponse:
    request.session[JUST_SAVED] = [checkin.pk, is_new]
    if form.safety_newly_yes:
        request.session[SAFETY_HELP_ONCE] = checkin.pk
    return redirect(checkin)


def _new_checkin(request: AuthenticatedHttpRequest, *, pick_day: bool) -> HttpResponse:
    today = local_now().date()
    form = CheckInForm(
        request.POST or None,
        user=request.user,
        pick_day=pick_day,
        instance=CheckIn(user=request.user),
        initial={} if pick_day else {"date": today},
    )
    if not form.is_bound:
        lesson = current_lesson_for(request.user)
        form.initial["lesson"] = lesson.pk if lesson else None
    if request.method == "POST" and form.is_valid():
        checkin = form.add()
        if checkin is not None:
            return _saved(request, form, checkin, is_new=True)
    return render(
        request,
        "journal/checkin_form.html",
        {"form": form, "checkin": None, "pick_day": pick_day, "today": today},
    )


@login_required_keeping_words
@require_http_methods(["GET", "HEAD", "POST"])
def checkin_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Today's check-in; once it is done, a page offering to edit it or pick another day."""
    if not request.POST:
        today = local_now().date()
        done = CheckIn.objects.filter(user=request.user, date=today).first()
        if done is not None:
            return render(request, "journal/checkin_today.html", {"checkin": done})
    return _new_checkin(request, pick_day=False)


@login_required_keeping_words
@require_http_methods(["GET", "HEAD", "POST"])
def checkin_another_day(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A check-in for a day that was missed: the person picks the date."""
    return _new_checkin(request, pick_day=True)


@login_required
@owned(CheckIn)
@require_safe
def checkin_detail(request: AuthenticatedHttpRequest, checkin: CheckIn) -> HttpResponse:
    context: dict[str, object] = {
        "checkin": checkin,
        "prompt_label": PROMPT_LABELS.get(checkin.prompt, ""),
    }
    saved = request.session.get(JUST_SAVED)
    if saved and saved[0] == checkin.pk:
        del request.session[JUST_SAVED]
        context["just_saved"] = "new" if saved[1] else "changed"
        context["streak"] = insights.weekly_streak(request.user)
        context["next_lesson"] = next_lesson_for(request.user)
        if request.session.get(SAFETY_HELP_ONCE) == checkin.pk:
            del request.session[SAFETY_HELP_ONCE]
            context["safety_help"] = True
    return render(request, "journal/checkin_detail.html", context)


@login_required_keeping_words
@owned(CheckIn)
@require_http_methods(["GET", "HEAD", "POST"])
def checkin_edit(request: AuthenticatedHttpRequest, checkin: CheckIn) -> HttpResponse:
    form = CheckInForm(request.POST or None, user=request.user, instance=checkin)
    if request.method == "POST" and form.is_valid():
        return _saved(request, form, form.save(), is_new=False)
    return render(request, "journal/checkin_form.html", {"form": form, "checkin": checkin})


@login_required_keeping_words
@owned(CheckIn)
@require_http_methods(["GET", "HEAD", "POST"])
def checkin_delete(request: AuthenticatedHttpRequest, checkin: CheckIn) -> HttpResponse:
    if request.method == "POST":
        checkin.delete()
        messages.success(request, "The check-in is deleted.")
        return redirect("journal:timeline")
    return render(
        request,
        "journal/confirm_delete.html",
        {
            "kind": "check-in",
            "summary": f"Check-in for {date_format(checkin.date, 'j F Y')}",
            "action": reverse("journal:checkin_delete", args=[checkin.pk]),
        },
    )
