from django.urls import path

from .views import checkins, commitments, pages, printable, reflections, safety

app_name = "journal"
urlpatterns = [
    path("", pages.dashboard, name="dashboard"),
    path("timeline/", pages.timeline, name="timeline"),
    path("insights/", pages.insights_page, name="insights"),
    path("print/", printable.printable_journal, name="print"),
    path("commitments/new/", commitments.commitment_new, name="commitment_new"),
    path("commitments/<int:pk>/edit/", commitments.commitment_edit, name="commitment_edit"),
    path("commitments/<int:pk>/status/", commitments.commitment_status, name="commitment_status"),
    path("commitments/<int:pk>/delete/", commitments.commitment_delete, name="commitment_delete"),
    path("checkins/new/", checkins.checkin_new, name="checkin_new"),
    path("checkins/another-day/", checkins.checkin_another_day, name="checkin_another_day"),
    path("checkins/<int:pk>/", checkins.checkin_detail, name="checkin_detail"),
    path("checkins/<int:pk>/edit/", checkins.checkin_edit, name="checkin_edit"),
    path("checkins/<int:pk>/delete/", checkins.checkin_delete, name="checkin_delete"),
    path("reflections/<slug:slug>/save/", reflections.reflection_save, name="reflection_save"),
    path("reflections/<int:pk>/edit/", reflections.reflection_edit, name="reflection_edit"),
    path("reflections/<int:pk>/delete/", reflections.reflection_delete, name="reflection_delete"),
    path("partner-features/", safety.partner_features, name="partner_features"),
]
