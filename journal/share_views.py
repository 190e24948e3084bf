"""Share pages: the owner's list, creation and detail, and the partner's view."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from trustrepair.accounts import recent_password_required
from trustrepair.addresses import client_address

from . import sharing
from .access import owned
from .share_charts import readable_dates, summary_charts
from .share_forms import ReplyForm, ShareForm
from .share_models import Share

ONE_TIME_LINK_KEY = "share-token-once:{}"


def _summary_context(snapshot: dict, message: str) -> dict:
    return {
        "summary": readable_dates(snapshot),
        "message": message,
        "charts": summary_charts(snapshot),
    }


@login_required
@require_safe
def share_list(request: HttpRequest) -> HttpResponse:
    shares = Share.objects.filter(user=request.user).only(
        "id",
        "period_start",
        "period_end",
        "created_at",
        "expires_at",
        "revoked_at",
        "view_count",
        "first_viewed_at",
        "last_viewed_at",
        "acknowledged_at",
        "replied_at",
    )
    return render(request, "journal/shares.html", {"shares": shares})


@login_required
@recent_password_required
@require_http_methods(["GET", "HEAD", "POST"])
def share_new(request: HttpRequest) -> HttpResponse:
    action = request.POST.get("action", "")
    if request.method == "POST" and action == "refresh":
        # A new period was picked: show its check-ins, keep everything typed.
        form = ShareForm(request.user, initial=request.POST.dict())
        form.initial["reflections"] = request.POST.getlist("reflections")
        form.initial["include_ratings"] = bool(request.POST.get("include_ratings"))
        form.initial["include_consistency"] = bool(request.POST.get("include_consistency"))
        return render(request, "journal/share_new.html", {"form": form})
    form = ShareForm(request.user, request.POST or None)
    context: dict = {"form": form}
    if request.method == "POST" and form.is_valid():
        start, end = form.period_bounds()
        snapshot = sharing.build_snapshot(
            request.user,
            start,
            end,
            include_ratings=form.cleaned_data["include_ratings"],
            include_consistency=form.cleaned_data["include_consistency"],
            reflection_checkin_ids=form.cleaned_data["reflections"],
        )
        message = form.cleaned_data["message"]
        if action == "create":
            share, token = sharing.create_share(
                request.user, snapshot, message, form.cleaned_data["expiry_days"]
            )
            request.session[ONE_TIME_LINK_KEY.format(share.pk)] = token
            return redirect(share)
        context["preview"] = _summary_context(snapshot, message)
        if request.htmx:
            return render(request, "journal/share_new.html#preview", context)
    return render(request, "journal/share_new.html", context)


@login_required
@owned(Share)
@require_safe
def share_detail(request: HttpRequest, share: Share) -> HttpResponse:
    token = request.session.pop(ONE_TIME_LINK_KEY.format(share.pk), None)
    link = request.build_absolute_uri(f"/s/{token}/") if token else None
    context = {"share": share, "link": link, **_summary_context(share.snapshot, share.message)}
    return render(request, "journal/share_detail.html", context)


@login_required
@owned(Share)
@require_http_methods(["GET", "HEAD", "POST"])
def share_revoke(request: HttpRequest, share: Share) -> HttpResponse:
    if request.method == "GET":
        return render(request, "journal/share_revoke.html", {"share": share})
    sharing.revoke(share)
    if request.htmx:
        return render(request, "journal/share_detail.html#status", {"share": share})
    messages.success(request, "The link is switched off. Nobody can open it any more.")
    return redirect(share)


def _not_found() -> Http404:
    # One answer for unknown, expired, revoked, malformed and orphaned links alike.
    return Http404("No such summary")


@require_http_methods(["GET", "HEAD", "POST"])
def share_public(request: HttpRequest, token: str) -> HttpResponse:
    address = client_address(request)
    if sharing.guessing_blocked(address):
        response = render(request, "journal/share_throttled.html", status=429)
        response["Retry-After"] = str(sharing.GUESS_WINDOW_SECONDS)
        return response
    share = sharing.find_live_share(token)
    if share is None:
        sharing.note_miss(address)
        raise _not_found()
    reply_form = ReplyForm(request.POST if request.POST.get("action") == "reply" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "ack":
            sharing.acknowledge(share)
            return redirect(request.path)
        if action == "reply" and share.replied_at is None and reply_form.is_valid():
            sharing.add_reply(share, reply_form.cleaned_data["reply"])
            return redirect(request.path)
    else:
        sharing.record_view(share)
    context = {
        "share": share,
        "reply_form": reply_form,
        **_summary_context(share.snapshot, share.message),
    }
    response = render(request, "journal/share_public.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
