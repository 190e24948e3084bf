"""The person's time zone: detected by the browser, offered (never forced), picked by region."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.helpers import PASSWORD, current_code, make_user, user_with_two_factor
from trustrepair import timezones
from trustrepair.models import User

pytestmark = pytest.mark.django_db
OFFER = "Your device says"


def signup(client: Client, **extra) -> None:
    data = {"username": "sky", "email": "", "password1": PASSWORD, "password2": PASSWORD}
    client.post(reverse("signup"), {**data, **extra})


def test_sign_up_stores_the_time_zone_the_browser_sent(client):
    signup(client, time_zone="Australia/Sydney")
    assert User.objects.get().time_zone == "Australia/Sydney"


@pytest.mark.parametrize("sent", ["Mars/Olympus", "", "<script>", "x" * 500])
def test_a_time_zone_zoneinfo_does_not_know_is_ignored_on_sign_up(client, sent):
    signup(client, time_zone=sent)
    assert User.objects.get().time_zone == "UTC"


def test_without_javascript_the_sign_up_form_offers_the_picker(client):
    text = client.get(reverse("signup")).content.decode()
    noscript = text.split("<noscript>")[1].split("</noscript>")[0]
    assert 'name="time_zone_pick"' in noscript
    assert '<optgroup label="Pacific">' in noscript
    assert 'name="time_zone" data-detect-time-zone' in text
    signup(client, time_zone="", time_zone_pick="Pacific/Auckland")
    assert User.objects.get().time_zone == "Pacific/Auckland"


def test_the_browser_wins_over_the_untouched_picker(client):
    signup(client, time_zone="Asia/Tokyo", time_zone_pick="UTC")
    assert User.objects.get().time_zone == "Asia/Tokyo"


def sign_in(client: Client, time_zone: str = "", username: str = "sky") -> None:
    client.post(
        reverse("login"), {"username": username, "password": PASSWORD, "time_zone": time_zone}
    )


def test_sign_in_from_another_time_zone_offers_it_and_changes_nothing_yet(client):
    user = make_user("sky", time_zone="Europe/London")
    sign_in(client, "Australia/Sydney")
    user.refresh_from_db()
    assert user.time_zone == "Europe/London"
    text = client.get(reverse("journal:dashboard")).content.decode()
    assert f"{OFFER} <strong>Australia/Sydney</strong>" in text
    assert "Keep Europe/London" in text


def test_using_the_offered_time_zone_stores_it_and_the_offer_goes(client):
    user = make_user("sky", time_zone="Europe/London")
    sign_in(client, "Australia/Sydney")
    response = client.post(
        reverse("time_zone_offer"), {"answer": "use", "next": reverse("journal:timeline")}
    )
    assert response["Location"] == reverse("journal:timeline")
    user.refresh_from_db()
    assert user.time_zone == "Australia/Sydney"
    assert OFFER not in client.get(reverse("journal:dashboard")).content.decode()


def test_keeping_the_stored_time_zone_dismisses_the_offer(client):
    user = make_user("sky", time_zone="Europe/London")
    sign_in(client, "Australia/Sydney")
    client.post(reverse("time_zone_offer"), {"answer": "keep"})
    user.refresh_from_db()
    assert user.time_zone == "Europe/London"
    assert OFFER not in client.get(reverse("journal:dashboard")).content.decode()


@pytest.mark.parametrize("sent", ["Europe/London", "", "Mars/Olympus"])
def test_no_offer_when_the_browser_agrees_or_says_nothing_usable(client, sent):
    make_user("sky", time_zone="Europe/London")
    sign_in(client, sent)
    assert OFFER not in client.get(reverse("journal:dashboard")).content.decode()


def test_the_offer_waits_for_the_second_step_of_sign_in(client):
    _user, device, _codes = user_with_two_factor("sky", time_zone="Europe/London")
    sign_in(client, "America/Chicago")
    client.post(reverse("login_verify"), {"code": current_code(device)})
    assert f"{OFFER} <strong>America/Chicago</strong>" in (
        client.get(reverse("journal:dashboard")).content.decode()
    )


def test_the_offer_cannot_be_forged_after_sign_in(owner_client, user):
    owner_client.post(reverse("time_zone_offer"), {"answer": "use"})
    user.refresh_from_db()
    assert user.time_zone == "UTC"


def test_the_picker_groups_places_by_region_and_finds_them_by_name(owner_client):
    text = owner_client.get(reverse("account")).content.decode()
    groups = re.findall(r'<optgroup label="([^"]+)">', text)
    assert groups == [*timezones.REGIONS, "Other"]
    assert re.search(r'<option value="Australia/Sydney">Sydney \(UTC\+1[01]:00\)</option>', text)
    assert '<option value="America/Argentina/Buenos_Aires">Buenos Aires, Argentina' in text
    assert 'value="US/Eastern"' not in text  # old aliases are not offered
    assert "data-searchable" in text


def test_an_old_alias_already_stored_stays_in_the_picker(client):
    user = make_user("sky", time_zone="Asia/Calcutta")
    client.force_login(user)
    text = client.get(reverse("account")).content.decode()
    assert re.search(r'<option value="Asia/Calcutta" selected>', text)


def test_the_stored_time_zone_decides_today_on_the_check_in(client):
    user = make_user("sky", time_zone="Pacific/Kiritimati")
    client.force_login(user)
    today_there = timezones.now_in("Pacific/Kiritimati").date()
    assert client.get(reverse("journal:checkin_new")).context["today"] == today_there
