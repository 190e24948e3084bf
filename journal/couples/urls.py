from django.urls import path

from .views import checkins, commitments, linking

app_name = "couples"
urlpatterns = [
    path("together/", linking.home, name="home"),
    path("together/invite/", linking.invite, name="invite"),
    path("together/invite/new/", linking.invite_new, name="invite_new"),
    path("together/invite/<int:pk>/revoke/", linking.invite_revoke, name="invite_revoke"),
    path("together/join/", linking.join, name="join"),
    # The invitation link: the code is the key (masked in logs).
    path("together/join/<str:code>/", linking.join_code, name="join_code"),
    path("together/unlink/", linking.unlink, name="unlink"),
    path("together/checkins/", checkins.checkin_list, name="checkins"),
    path("together/checkins/ask/", checkins.ask, name="ask"),
    path("together/checkins/<int:pk>/", checkins.checkin_detail, name="checkin"),
    path("together/checkins/<int:pk>/answer/", checkins.checkin_answer, name="answer"),
    path("together/checkins/<int:pk>/reveal/", checkins.checkin_reveal, name="reveal"),
    path("together/commitments/", commitments.commitment_list, name="commitments"),
    path(
        "together/commitments/<int:pk>/show/", commitments.commitment_show, name="commitment_show"
    ),
    path(
        "together/commitments/<int:pk>/hide/", commitments.commitment_hide, name="commitment_hide"
    ),
    path("together/commitments/preview/", commitments.preview, name="preview"),
    path("together/partner/", commitments.partner_commitments, name="partner"),
    path("together/partner/<int:pk>/noticed/", commitments.noticed, name="noticed"),
]
