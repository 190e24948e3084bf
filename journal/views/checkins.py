from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods, require_safe

from guides.progress import current_lesson_for
from trustrepair.http import AuthenticatedHttpRequest

from ..access import owned
from ..forms import CheckInForm
from ..models import CheckIn, local_now
from ..suggestions import PROMPT_LABELS


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def checkin_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = local_now().date()
    if request.method in {"GET", "HEAD"}:
        # One check-in a day: a second visit the same day edits the first.
        existing = CheckIn.objects.filter(user=request.user, date=today).first()
        if existing is not None:
            messages.info(request, "You already checked in today; you are editing that check-in.")
            return redirect("journal:checkin_edit", existing.pk)
    lesson = current_lesson_for(request.user) if request.method in {"GET", "HEAD"} else None
    form = CheckInForm(
        request.POST or None,
        user=request.user,
        instance=CheckIn(user=request.user),
        initial={"date": today, "lesson": lesson.pk if lesson else None},
    )
    if request.method == "POST" and form.is_valid():
        checkin = form.save()
        messages.success(request, "Your check-in is saved.")
        return redirect(checkin)
    return render(request, "journal/checkin_form.html", {"form": form, "checkin": None})


@login_required
@owned(CheckIn)
@require_safe
def checkin_detail(request: AuthenticatedHttpRequest, checkin: CheckIn) -> HttpResponse:
    return render(
        request,
        "journal/checkin_detail.html",
        {"checkin": checkin, "prompt_label": PROMPT_LABELS.get(checkin.prompt, "")},
    )


@login_required
@owned(CheckIn)
@require_http_methods(["GET", "HEAD", "POST"])
def checkin_edit(request: AuthenticatedHttpRequest, checkin: CheckIn) -> HttpResponse:
    form = CheckInForm(request.POST or None, user=request.user, instance=checkin)
    if request.method == "POST" and form.is_valid():
        checkin = form.save()
        messages.success(request, "Your changes are saved.")
        return redirect(checkin)
    return render(request, "journal/checkin_form.html", {"form": form, "checkin": checkin})


@login_required
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
