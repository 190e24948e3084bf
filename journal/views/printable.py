"""A printable journal: everything a person wrote, on one page with print styles.

Something to bring to a counsellor. It is the person's own page, behind the same
password re-check as the downloads; the answer to the safety question is left out,
and private notes can be left out with one tap.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Avg, Count
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from trustrepair.http import AuthenticatedHttpRequest
from trustrepair.reauth import recent_password_required

from .. import insights
from ..charts import weekly_charts
from ..models import CheckIn, Commitment, CommitmentStatus, LessonReflection, local_now
from ..scales import SCALES

CHECKIN_FIELDS = (
    "date",
    "trust",
    "communication",
    "connection",
    "working",
    "needs_work",
    "appreciation",
    "prompt",
    "prompt_answer",
    "lesson__title",
)


@login_required
@recent_password_required
@require_safe
def printable_journal(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    with_notes = request.GET.get("notes") != "0"
    fields = (*CHECKIN_FIELDS, "private_note") if with_notes else CHECKIN_FIELDS
    checkins = list(
        CheckIn.objects.filter(user=user).select_related("lesson").only(*fields).order_by("date")
    )
    commitment_fields = ["text", "strategy", "due_date", "due_time", "status"]
    commitment_fields += ["resolved_at", "renegotiation_reason", "created_at"]
    if with_notes:
        commitment_fields.append("note")
    commitments = list(
        Commitment.objects.filter(user=user).only(*commitment_fields).order_by("created_at")
    )
    reflections = list(
        LessonReflection.objects.filter(user=user)
        .select_related("lesson")
        .only("text", "created_at", "lesson__title")
        .order_by("created_at")
    )
    averages = CheckIn.objects.filter(user=user).aggregate(
        **{scale.field: Avg(scale.field) for scale in SCALES}
    )
    counts = dict(
        Commitment.objects.filter(user=user)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    weeks = insights.weekly_ratings(user)
    charts = weekly_charts("print", weeks)
    context = {
        "checkins": checkins,
        "commitments": commitments,
        "reflections": reflections,
        "averages": [(scale, averages[scale.field]) for scale in SCALES],
        "counts": {status.label: counts.get(status.value, 0) for status in CommitmentStatus},
        "charts": charts,
        "with_notes": with_notes,
        "today": local_now().date(),
    }
    return render(request, "journal/print.html", context)
