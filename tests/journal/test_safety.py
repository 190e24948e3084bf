"""A yes to the safety question turns partner features off until the person confirms."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journal import safety
from tests.helpers import HTMX, reauthenticated_client
from tests.journal.helpers import make_checkin

pytestmark = pytest.mark.django_db

PARTNER_FEATURES = reverse("journal:partner_features")


def test_partner_features_are_open_for_someone_who_never_said_yes(user):
    make_checkin(user, safety_concern=False)

    assert safety.partner_features_open(user)
    assert not safety.said_afraid(user)


def test_a_yes_to_the_safety_question_turns_partner_features_off(user):
    make_checkin(user, safety_concern=True)

    assert safety.said_afraid(user)
    assert not safety.partner_features_open(user)


def test_only_the_latest_answer_counts(user):
    today = timezone.localdate()
    make_checkin(user, date=today - datetime.timedelta(days=3), safety_concern=True)
    make_checkin(user, date=today - datetime.timedelta(days=1), safety_concern=None)
    make_checkin(user, date=today, safety_concern=False)

    assert safety.partner_features_open(user)


def test_a_private_confirmation_turns_them_back_on_until_the_next_yes(user):
    checkin = make_checkin(user, safety_concern=True)
    safety.confirm_partner_features(user)
    assert safety.partner_features_open(user)

    checkin.save()  # the yes given again (edited) after the confirmation

    assert not safety.partner_features_open(user)


def test_sharing_after_a_yes_leads_to_the_persons_own_confirmation_page(user):
    make_checkin(user, safety_concern=True)
    client = reauthenticated_client(user)

    response = client.get(reverse("sharing:new"))

    assert response.status_code == 302
    assert response["Location"].startswith(PARTNER_FEATURES)
    htmx = client.get(reverse("sharing:new"), **HTMX)
    assert htmx["HX-Redirect"].startswith(PARTNER_FEATURES)


def test_the_confirmation_page_is_neutral_and_needs_a_ticked_box(user):
    make_checkin(user, safety_concern=True)
    client = reauthenticated_client(user)
    page = client.get(PARTNER_FEATURES).content.decode()
    assert "Sharing a summary and linking accounts are off for now" in page
    assert "watching" not in page.lower()

    refused = client.post(PARTNER_FEATURES, {"next": reverse("sharing:new")})
    assert "Tick the box if this is your own choice." in refused.content.decode()
    assert not safety.partner_features_open(user)

    done = client.post(PARTNER_FEATURES, {"choose": "on", "next": reverse("sharing:new")})
    assert done["Location"] == reverse("sharing:new")
    assert client.get(reverse("sharing:new")).status_code == 200


def test_a_person_can_turn_them_off_again_themselves(user):
    client = reauthenticated_client(user)

    client.post(PARTNER_FEATURES)

    assert client.get(reverse("sharing:new")).status_code == 200  # never said yes: still open
    make_checkin(user, safety_concern=True)
    safety.confirm_partner_features(user)
    client.post(PARTNER_FEATURES)
    assert not safety.partner_features_open(user)


def test_the_confirmation_page_is_only_for_a_signed_in_person():
    response = Client().get(PARTNER_FEATURES)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
