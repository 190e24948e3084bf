from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .forms import AccountSettingsForm, SignUpForm


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "site/home.html")


@require_GET
def safety(request: HttpRequest) -> HttpResponse:
    return render(request, "site/safety.html")


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, "Welcome. Your account is ready, and everything you write is private to you."
        )
        return redirect("guides:index")
    return render(request, "registration/signup.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    form = AccountSettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your settings are saved.")
        return redirect("account")
    return render(request, "account/settings.html", {"form": form})


@require_POST
def quick_exit(request: HttpRequest) -> HttpResponse:
    """Ends the session and asks the browser to forget this site, then says nothing."""
    logout(request)
    response = HttpResponse(status=204)
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response
