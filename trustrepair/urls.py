from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import accounts, pwa, views

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("guides.safety_urls")),
    path("healthz", views.healthz, name="healthz"),
    path("exit/", views.quick_exit, name="quick_exit"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
    path("accounts/", accounts.account, name="account"),
    path("accounts/reminders/", include("journal.reminders.urls")),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/login/", accounts.login_view, name="login"),
    path("accounts/login/verify/", accounts.login_verify, name="login_verify"),
    path("accounts/confirm/", accounts.confirm_password, name="confirm_password"),
    path("accounts/time-zone/", accounts.time_zone_offer, name="time_zone_offer"),
    path("accounts/stay/", accounts.stay_signed_in, name="stay_signed_in"),
    path("accounts/sessions/", accounts.session_list, name="sessions"),
    path("accounts/sessions/end-others/", accounts.end_other_sessions, name="end_other_sessions"),
    path("accounts/export/", accounts.export, name="export"),
    path("accounts/export/download/", accounts.export_download, name="export_download"),
    path("accounts/delete/", accounts.delete_account, name="delete_account"),
    path("accounts/two-factor/", accounts.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/codes/", accounts.recovery_codes, name="recovery_codes"),
    path("accounts/two-factor/off/", accounts.two_factor_disable, name="two_factor_disable"),
    path("accounts/logout/", accounts.logout_view, name="logout"),
    path("accounts/password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("guides/", include("guides.urls")),
    path("journal/", include("journal.urls")),
    path("", include("journal.sharing.urls")),
    path("", include("journal.couples.urls")),
    path("admin/", admin.site.urls),
]
