from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from guides.models import Lesson
from trustrepair.accounts import safe_next
from trustrepair.http import AuthenticatedHttpRequest
from trustrepair.kept_words import login_required_keeping_words

from ..access import owned
from ..forms import CommitmentForm, StatusForm
from ..models import Commitment, CommitmentStatus
from ..suggestions import SUGGESTIONS, suggestion
from .rows import Row, RowBuilder


def prefill(request: HttpRequest) -> dict:
    """Initial values from a lesson's "try this" practice or a ready-made suggestion."""
    if slug := request.GET.get("lesson"):
        lesson = (
            Lesson.objects.published()
            .filter(slug=slug)
            .only("id", "try_this_commitment", "try_this_strategy")
            .first()
        )
        if lesson is not None:
            return {
                "text": lesson.try_this_commitment,
                "strategy": lesson.try_this_strategy,
                "lesson": lesson.pk,
            }
    if chosen := suggestion(request.GET.get("suggestion")):
        return {"text": chosen.text, "strategy": chosen.strategy}
    return {}


# Said once, right after the change; the one next step sits on the page it returns to.
STATUS_SAVED: dict[str, str] = {
    CommitmentStatus.KEPT: "Kept. Small promises kept, one after another, bring trust back.",
    CommitmentStatus.MISSED: "Marked as missed. Saying so honestly counts too; "
    "a smaller promise may be easier next time.",
    CommitmentStatus.RENEGOTIATED: "Renegotiated. Telling them early is part of keeping your "
    "word; the new promise is on your list.",
    CommitmentStatus.OPEN: "Reopened.",
}


@login_required_keeping_words
@require_http_methods(["GET", "HEAD", "POST"])
def commitment_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CommitmentForm(request.POST or None, initial=prefill(request))
    if request.method == "POST" and form.is_valid():
        commitment = form.save(commit=False)
        commitment.user = request.user
        commitment.save()
        messages.success(
            request, "Saved. It is on your list: mark it kept, missed or renegotiated when due."
        )
        return redirect("journal:dashboard")
    return render(
        request,
        "journal/commitment_form.html",
        {"form": form, "suggestions": SUGGESTIONS, "commitment": None},
    )


@login_required_keeping_words
@owned(Commitment)
@require_http_methods(["GET", "HEAD", "POST"])
def commitment_edit(request: AuthenticatedHttpRequest, commitment: Commitment) -> HttpResponse:
    form = CommitmentForm(request.POST or None, instance=commitment)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your changes are saved.")
        return redirect(safe_next(request, reverse("journal:timeline")))
    return render(request, "journal/commitment_form.html", {"form": form, "commitment": commitment})


@login_required_keeping_words
@owned(Commitment)
@require_http_methods(["GET", "HEAD", "POST"])
def commitment_status(request: AuthenticatedHttpRequest, commitment: Commitment) -> HttpResponse:
    """Kept, missed, renegotiated (with an optional reason), or reopened.

    htmx swaps the commitment's row on the dashboard in place; a plain form post
    goes back to the page it came from.
    """
    form = StatusForm(
        request.POST or None, commitment=commitment, initial={"status": commitment.status}
    )
    follow_up = None
    saved = request.method == "POST" and form.is_valid()
    if saved:
        follow_up = form.apply()
        if not request.htmx:
            messages.success(request, STATUS_SAVED.get(commitment.status, "Saved."))
            return redirect(safe_next(request, reverse("journal:dashboard")))
    if request.htmx:
        # The row (and the promise a renegotiation opened) swapped in place on the dashboard.
        rows = RowBuilder(request)
        html = rows.row(Row.of(commitment), form, saved, follow_up is not None)
        if follow_up is not None:
            html += rows.row(Row.of(follow_up))
        return HttpResponse(html)
    return render(
        request,
        "journal/commitment_status.html",
        {"commitment": commitment, "form": form, "next": safe_next(request, "")},
    )


@login_required
@owned(Commitment)
@require_http_methods(["GET", "HEAD", "POST"])
def commitment_delete(request: AuthenticatedHttpRequest, commitment: Commitment) -> HttpResponse:
    if request.method == "POST":
        commitment.delete()
        messages.success(request, "The commitment is deleted.")
        return redirect("journal:timeline")
    return render(
        request,
        "journal/confirm_delete.html",
        {
            "kind": "commitment",
            "summary": commitment.text,
            "action": reverse("journal:commitment_delete", args=[commitment.pk]),
        },
    )
