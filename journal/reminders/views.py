"""Reminder settings (signed in), the devices that show them, and the signed links in
each message (no sign-in needed)."""

import datetime
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from trustrepair.http import AuthenticatedHttpRequest
from trustrepair.models import User
from trustrepair.sessions import device_label

from ..access import owned
from . import delivery, links
from .forms import ReminderSettingsForm
from .models import PushSubscription, ReminderSettings

PAUSE_FOR = datetime.timedelta(days=7)


def settings_of(user: User) -> ReminderSettings:
    """The person's settings; unsaved (off) until they first choose something."""
    found = ReminderSettings.objects.filter(user=user).first()
    return found if found is not None else ReminderSettings(user=user)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reminder_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    reminders = settings_of(request.user)
    form = ReminderSettingsForm(
        request.POST if request.method == "POST" else None, instance=reminders, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        reminders = form.save(commit=False)
        # Saving the settings is choosing them again: a pause or a stop is over.
        reminders.stopped = False
        reminders.paused_until = None
        reminders.save()
        messages.success(
            request, "Reminders are on." if reminders.has_channel else "Reminders are off."
        )
        return redirect("reminders:settings")
    context = {
        "form": form,
        "reminders": reminders,
        "paused": reminders.paused_until is not None and reminders.paused_until > timezone.now(),
        "devices": PushSubscription.objects.filter(user=request.user).only("device", "created_at"),
        "push_key": settings.VAPID_PUBLIC_KEY if delivery.push_ready() else "",
    }
    return render(request, "reminders/settings.html", context)


@login_required
@require_POST
def add_device(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Keeps this browser's push subscription (sent as JSON by static/js/push.js)."""
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        data = None
    cleaned = delivery.clean_subscription(data)
    if cleaned is None:
        return JsonResponse({"error": "This device cannot get notifications."}, status=400)
    endpoint, keys = cleaned
    with transaction.atomic():
        PushSubscription.objects.update_or_create(
            endpoint_hash=delivery.endpoint_hash(endpoint),
            defaults={
                "user": request.user,
                "endpoint": endpoint,
                "key": json.dumps(keys),
                "device": device_label(request.headers.get("User-Agent", "")),
            },
        )
        ReminderSettings.objects.update_or_create(user=request.user, defaults={"by_push": True})
    return JsonResponse({"ok": True}, status=201)


@login_required
@owned(PushSubscription)
@require_POST
def remove_device(request: AuthenticatedHttpRequest, device: PushSubscription) -> HttpResponse:
    device.delete()
    messages.success(request, "That device will get no more notifications.")
    return redirect("reminders:settings")


@login_required
@require_safe
def open_app(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Where a reminder leads: a neutral address in the message, the real page here."""
    if request.GET.get("to") == "plans":
        return redirect("journal:dashboard")
    return redirect("journal:checkin_new")


def _signed_action(request: HttpRequest, action: str) -> HttpResponse:
    token = request.POST.get("t") or request.GET.get("t") or ""
    reminders = links.settings_for(token, action)
    if reminders is None:
        return render(request, "reminders/link.html", {"invalid": True}, status=404)
    if request.method != "POST":
        context = {"action": action, "token": token, "invalid": False}
        return render(request, "reminders/link.html", context)
    if action == links.PAUSE:
        reminders.paused_until = timezone.now() + PAUSE_FOR
        reminders.save(update_fields=["paused_until", "updated_at"])
    else:
        reminders.stopped = True
        reminders.save(update_fields=["stopped", "updated_at"])
    return render(request, "reminders/link.html", {"action": action, "done": True})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def pause(request: HttpRequest) -> HttpResponse:
    return _signed_action(request, links.PAUSE)


# The signed token is the only authority here: no session or cookie is involved, so there
# is nothing for a forged cross-site request to borrow. Exempt so that a mail program's
# one-click unsubscribe (RFC 8058: a POST with no token from our form) can stop them.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def stop(request: HttpRequest) -> HttpResponse:
    return _signed_action(request, links.STOP)
