from django.urls import path

from . import views

app_name = "sharing"
urlpatterns = [
    path("journal/shares/", views.share_list, name="list"),
    path("journal/shares/new/", views.share_new, name="new"),
    path("journal/shares/<int:pk>/", views.share_detail, name="detail"),
    path("journal/shares/<int:pk>/revoke/", views.share_revoke, name="revoke"),
    # The partner's page: no account needed, the token is the key.
    path("s/<str:token>/", views.share_public, name="public"),
]
