"""The admin, behind the site's own sign-in and its second step.

Django's admin has a password-only login form of its own, and the session it makes
opens the whole site: a way around two-step sign-in for any staff account. Here the
admin has no login form: it sends people to the site's sign-in, and lets a staff
member in only when their session passed the second step (if they have one on).
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


class AdminConfig(DjangoAdminConfig):
    """Django's admin app, on the AdminSite below."""

    default_site = "trustrepair.admin_site.AdminSite"


class AdminSite(admin.AdminSite):
    site_header = "Notebook administration"
    site_title = "Notebook"
    index_title = "Administration"

    def has_permission(self, request: HttpRequest) -> bool:
        from . import twofactor

        return super().has_permission(request) and twofactor.session_passed_second_step(request)

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        if request.user.is_authenticated:
            # Signed in, but not staff, or staff whose session skipped the second step
            # (one made before two-step sign-in was turned on): signing in again fixes it.
            raise PermissionDenied
        from django.contrib.auth.views import redirect_to_login

        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect_to_login(next_url, reverse("login"))

    # Django's stub says the admin answers with its own page; this one sends people elsewhere.
    def password_change(  # type: ignore[override]
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        # The site's own form checks the old password in the sign-in throttle; the admin's
        # would let a wrong old password be guessed without limit.
        return redirect("password_change")
