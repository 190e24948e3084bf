"""Linking by consent: invitations, accepting one, one link at a time, unlinking alone."""

import datetime
import logging
import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journal.couples import linking
from journal.couples.models import Invitation, Link, VisibleCommitment
from journal.couples.tests.helpers import (
    commitment,
    invitation_code,
    link,
    signed_in,
    with_password,
)
from journal.safety import confirm_partner_features
from tests.helpers import HTMX, make_user
from tests.journal.helpers import make_checkin

pytestmark = pytest.mark.django_db

HOME = reverse("couples:home")


def join_url(code: str) -> str:
    return reverse("couples:join_code", args=[code])


# Invitations


def test_an_invitation_code_carries_256_bits_and_only_its_hash_is_stored(user):
    invitation, code = linking.create_invitation(user)

    assert len(code) >= 43  # 32 random bytes, base64url
    assert re.fullmatch(r"[A-Za-z0-9_-]+", code)
    assert invitation.code_hash == linking.hash_code(code)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM couples_invitation")
        stored = " ".join(str(v) for row in cursor.fetchall() for v in row)
    assert code not in stored


def test_an_invitation_lasts_seven_days(user):
    invitation, code = linking.create_invitation(user)

    assert invitation.expires_at - timezone.now() > datetime.timedelta(days=6, hours=23)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    assert linking.find_invitation(code) is None


def test_making_an_invitation_asks_for_the_password_again(user):
    response = signed_in(user).post(reverse("couples:invite_new"))

    assert response["Location"].startswith(reverse("confirm_password"))
    assert not Invitation.objects.exists()


def test_the_new_link_is_shown_once_and_a_new_invitation_replaces_the_old(user):
    client = with_password(user)

    client.post(reverse("couples:invite_new"))
    first = client.get(reverse("couples:invite")).content.decode()
    link_shown = re.search(
        r'id="invite-link" value="http://testserver(/together/join/[^"]+/)"', first
    )
    assert link_shown
    assert "shown only this once" in first
    again = client.get(reverse("couples:invite")).content.decode()
    assert link_shown.group(1) not in again
    assert "An invitation is waiting" in again

    client.post(reverse("couples:invite_new"))
    assert Invitation.objects.filter(user=user).count() == 1
    code = link_shown.group(1).split("/")[-2]
    assert linking.find_invitation(code) is None


def test_the_maker_can_switch_an_invitation_off(user, partner):
    invitation, code = linking.create_invitation(user)

    response = signed_in(user).post(reverse("couples:invite_revoke", args=[invitation.pk]))

    assert response["Location"] == reverse("couples:invite")
    assert with_password(partner).get(join_url(code)).status_code == 404


# Accepting


def test_the_invited_person_sees_what_linking_will_and_will_not_show_before_accepting(
    user, partner
):
    code = invitation_code(user)

    page = with_password(partner).get(join_url(code)).content.decode()

    assert f"Link with {user.username}?" in page
    assert "What robin will see" in page
    assert "What robin will never see" in page
    assert "When you sign in, read a lesson or write anything" in page
    assert "Either of you can unlink at any time, alone" in page
    assert not Link.objects.exists()


def test_accepting_links_both_and_uses_the_code_up(user, partner):
    code = invitation_code(user)
    client = with_password(partner)

    response = client.post(join_url(code))

    assert response["Location"] == HOME
    assert Link.objects.partner_of(user) == partner
    assert Link.objects.partner_of(partner) == user
    assert not Invitation.objects.exists()
    assert client.get(join_url(code)).status_code == 404
    assert "You and robin are linked" in client.get(HOME).content.decode()


def test_accepting_asks_the_invited_person_for_their_password_again(user, partner):
    code = invitation_code(user)

    response = signed_in(partner).post(join_url(code))

    assert response["Location"].startswith(reverse("confirm_password"))
    assert not Link.objects.exists()


def test_a_signed_out_visitor_is_sent_to_sign_in_and_comes_back_to_the_invitation(user):
    code = invitation_code(user)

    response = Client().get(join_url(code))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_code_can_be_typed_or_pasted_with_spaces_or_as_the_whole_link(user, partner):
    code = invitation_code(user)
    client = with_password(partner)

    typed = client.post(reverse("couples:join"), {"code": f"  {code[:20]} {code[20:]} "})
    pasted = client.post(reverse("couples:join"), {"code": f"http://testserver{join_url(code)}"})

    assert typed["Location"] == join_url(code)
    assert pasted["Location"] == join_url(code)


def test_a_wrong_code_gets_a_clear_message_and_keeps_what_was_typed(partner):
    response = with_password(partner).post(reverse("couples:join"), {"code": "not-the-code"})

    text = response.content.decode()
    assert response.status_code == 200
    assert "That code does not work" in text
    assert 'value="not-the-code"' in text


def test_an_empty_code_is_asked_for(partner):
    text = signed_in(partner).post(reverse("couples:join"), {"code": "  "}).content.decode()

    assert "Paste or type the code your partner sent you." in text


def test_ones_own_invitation_cannot_be_accepted(user):
    code = invitation_code(user)
    client = with_password(user)

    page = client.get(join_url(code)).content.decode()
    client.post(join_url(code))

    assert "This is your own invitation" in page
    assert "Link our accounts" not in page
    assert not Link.objects.exists()


def test_one_link_per_person_at_a_time(user, partner, stranger):
    link(user, partner)
    code = invitation_code(stranger)

    page = with_password(partner).post(join_url(code)).content.decode()

    assert "You are linked already" in page
    assert Link.objects.partner_of(stranger) is None
    assert Link.objects.partner_of(partner) == user


def test_an_invitation_from_someone_who_linked_since_is_gone(user, partner, stranger):
    code = invitation_code(stranger)
    link(stranger, user)

    assert with_password(partner).get(join_url(code)).status_code == 404


def test_two_acceptances_racing_for_one_person_cannot_both_link(user, partner, stranger):
    first = invitation_code(user)
    second = invitation_code(stranger)
    linking.accept(first, partner)
    # The second acceptance got past the page's checks just before the first finished.
    Link.objects.filter(user=user).delete()

    with pytest.raises(linking.LinkRefused):
        linking.accept(second, partner)

    assert Link.objects.filter(user=partner).count() == 1


def test_linking_starts_with_everything_private(user, partner):
    shown = commitment(user)
    VisibleCommitment.objects.create(commitment=shown)  # left from an earlier link

    linking.accept(invitation_code(user), partner)

    assert not VisibleCommitment.objects.exists()


# Unlinking


def test_either_person_can_unlink_alone_at_once(user, partner):
    link(user, partner)
    shown = commitment(partner)
    VisibleCommitment.objects.create(commitment=shown)
    client = signed_in(user)

    assert "Unlink from sasha?" in client.get(reverse("couples:unlink")).content.decode()
    response = client.post(reverse("couples:unlink"))

    assert response["Location"] == HOME
    assert not Link.objects.exists()
    assert not VisibleCommitment.objects.exists()


def test_unlinking_ends_access_in_every_session_of_the_partner_at_once(user, partner):
    link(user, partner)
    phone, laptop = signed_in(partner), signed_in(partner)
    for client in (phone, laptop):
        assert client.get(reverse("couples:partner")).status_code == 200

    signed_in(user).post(reverse("couples:unlink"))

    for client in (phone, laptop):
        assert client.get(reverse("couples:partner")).status_code == 404
        assert client.get(reverse("couples:checkins"), **HTMX).status_code == 404


def test_the_other_person_is_told_nothing_the_link_just_disappears(user, partner):
    link(user, partner)
    client = signed_in(partner)

    signed_in(user).post(reverse("couples:unlink"))

    page = client.get(HOME).content.decode()
    assert "Invite your partner" in page
    assert "unlinked" not in page.lower()
    assert "robin" not in page


def test_unlinking_when_not_linked_is_a_404(user):
    assert signed_in(user).post(reverse("couples:unlink")).status_code == 404


def test_deleting_an_account_ends_the_link(user, partner):
    link(user, partner)

    partner.delete()

    assert Link.objects.partner_of(user) is None
    assert not Link.objects.exists()


def test_a_deactivated_partner_is_no_partner(user, partner):
    link(user, partner)
    partner.is_active = False
    partner.save()

    assert signed_in(user).get(reverse("couples:partner")).status_code == 404


# Secrets in transit


def test_the_code_in_an_invitation_link_never_reaches_a_log(user, partner, caplog):
    caplog.set_level(logging.INFO, logger="trustrepair.requests")
    code = invitation_code(user)

    with_password(partner).get(join_url(code))
    with_password(make_user("other")).get(join_url(linking.new_code()))

    assert caplog.records
    assert code not in caplog.text
    assert "/together/join/<code>" in caplog.text


def test_guessing_codes_is_throttled(partner):
    client = signed_in(partner)
    for _ in range(linking.GUESS_LIMIT):
        assert client.get(join_url(linking.new_code())).status_code == 404

    response = client.get(join_url(linking.new_code()))

    assert response.status_code == 429
    typed = client.post(reverse("couples:join"), {"code": linking.new_code()})
    assert typed.status_code == 429


def test_couple_pages_are_never_cached(user, partner):
    link(user, partner)
    response = signed_in(user).get(HOME)

    assert "no-store" in response["Cache-Control"]


def test_with_safety_yes_after_the_invitation_the_code_stops_working(user, partner):
    code = invitation_code(user)
    make_checkin(user, safety_concern=True)

    assert with_password(partner).get(join_url(code)).status_code == 404
    confirm_partner_features(user)
    assert with_password(partner).get(join_url(code)).status_code == 200
