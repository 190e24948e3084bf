"""Share pages: the owner's list, creation and detail, and the partner's view."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from journal.access import owned
from journal.safety import partner_features_required
from trustrepair import crypto
from trustrepair.accounts import recent_password_required
from trustrepair.http import AuthenticatedHttpRequest, HtmxHttpRequest
from trustrepair.kept_words import login_required_keeping_words

from . import links
from .charts import summary_context
from .forms import ReplyForm, ShareForm
from .models import Share
from .summary import build_snapshot

# The new link is shown once, on the page the owner lands on after creating it.
# Only its ciphertext waits in the session row in between.
ONE_TIME_LINK_KEY = "share-link-once:{}"


@login_required
@require_safe
def share_list(request: AuthenticatedHttpRequest) -> HttpResponse:
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
    return render(request, "sharing/list.html", {"shares": shares})


@login_required_keeping_words
@partner_features_required
@recent_password_required
@require_http_methods(["GET", "HEAD", "POST"])
def share_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    action = request.POST.get("action", "")
    if request.method == "POST" and action == "refresh":
        # A new period was picked: show its check-ins, keep everything typed.
        form = ShareForm(request.user, initial=request.POST.dict())
        form.initial["reflections"] = request.POST.getlist("reflections")
        form.initial["include_ratings"] = bool(request.POST.get("include_ratings"))
        form.initial["include_consistency"] = bool(request.POST.get("include_consistency"))
        return render(request, "sharing/new.html", {"form": form})
    form = ShareForm(request.user, request.POST or None)
    context: dict = {"form": form}
    if request.method == "POST" and form.is_valid():
        start, end = form.period_bounds()
        snapshot = build_snapshot(
            request.user,
            start,
            end,
            include_ratings=form.cleaned_data["include_ratings"],
            include_consistency=form.cleaned_data["include_consistency"],
            reflection_checkin_ids=form.cleaned_data["reflections"],
        )
        message = form.cleaned_data["message"]
        if action == "create":
            share, token = links.create_share(
                request.user, snapshot, message, form.cleaned_data["expiry_days"]
            )
            request.session[ONE_TIME_LINK_KEY.format(share.pk)] = crypto.encrypt(token)
            return redirect(share)
        context["preview"] = summary_context(snapshot, message)
        if request.htmx:
            return render(request, "sharing/new.html#preview", context)
    return render(request, "sharing/new.html", context)


@login_required
@owned(Share)
@require_safe
def share_detail(request: AuthenticatedHttpRequest, share: Share) -> HttpResponse:
    sealed = request.session.pop(ONE_TIME_LINK_KEY.format(share.pk), None)
    link = (
        request.build_absolute_uri(reverse("sharing:public", args=[crypto.decrypt(sealed)]))
        if sealed
        else None
    )
    context = {"share": share, "link": link, **summary_context(share.snapshot, share.message)}
    return render(request, "sharing/detail.html", context)


@login_required
@owned(Share)
@require_http_methods(["GET", "HEAD", "POST"])
def share_revoke(request: AuthenticatedHttpRequest, share: Share) -> HttpResponse:
    if request.method in ("GET", "HEAD"):
        return render(request, "sharing/revoke.html", {"share": share})
    links.revoke(share)
    if request.htmx:
        return render(request, "sharing/detail.html#status", {"share": share})
    messages.success(request, "The link is switched off. Nobody can open it any more.")
    return redirect(share)


def _not_found() -> Http404:
    # One answer for unknown, expired, revoked, malformed and orphaned links alike.
    return Http404("No such summary")


# The secret link is the only authority on this page: no session or cookie is read, so a
# forged cross-site post has nothing to borrow (and whoever knows the link can answer
# anyway). Exempt, so the page sets no CSRF cookie: a year-long cookie from this site
# would tell anyone who looks at the partner's browser that it has been here.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def share_public(request: HtmxHttpRequest, token: str) -> HttpResponse:
    # A visit is counted by the same statement that finds the share; an answer is not a visit.
    if request.method == "POST":
        share = links.find_live_share(token)
    else:
        share = links.view_live_share(token)
    if share is None:
        # Only misses are counted, and only they are ever refused: a partner with the
        # real link always gets in, whoever else guesses from the same address.
        if refused := links.GUESSES.refuse(request):
            return refused
        raise _not_found()
    reply_form = ReplyForm(request.POST if request.POST.get("action") == "reply" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "ack":
            links.acknowledge(share)
            return redirect(request.path)
        if action == "reply" and share.replied_at is None and reply_form.is_valid():
            links.add_reply(share, reply_form.cleaned_data["reply"])
            return redirect(request.path)
    context = {
        "share": share,
        "reply_form": reply_form,
        **summary_context(share.snapshot, share.message),
    }
    response = render(request, "sharing/public.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
