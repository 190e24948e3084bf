"""Attacks on share links: guessing, the one-time link, and hostile dates."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from journal.sharing import links
from journal.sharing.models import Share
from journal.sharing.tests.helpers import checkin, create_form, share_for
from tests.helpers import reauthenticated_client
from trustrepair.models import UserSession

pytestmark = pytest.mark.django_db


def guess(client: Client) -> int:
    return client.get(reverse("sharing:public", args=[links.new_token()])).status_code


def test_a_guesser_on_the_same_address_never_locks_the_partner_out_of_the_real_link(user):
    _, token = share_for(user)
    home = "203.0.113.9"
    guesser = Client(REMOTE_ADDR=home)
    for _ in range(links.GUESS_LIMIT):
        assert guess(guesser) == 404
    assert guess(guesser) == 429

    partner = Client(REMOTE_ADDR=home)

    assert partner.get(reverse("sharing:public", args=[token])).status_code == 200


def test_share_guesses_are_counted_per_client_behind_a_trusted_proxy(user, settings):
    settings.TRUSTED_PROXIES = 1
    proxy = "10.0.0.2"
    guesser = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    for _ in range(links.GUESS_LIMIT):
        guess(guesser)

    # A client that claims the guesser's address in front of its own is still itself.
    someone_else = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7, 198.51.100.8")

    assert guess(guesser) == 429
    assert guess(someone_else) == 404


def test_share_guesses_are_counted_in_the_cache_every_app_server_shares(user):
    guess(Client(REMOTE_ADDR="203.0.113.9"))

    counted = [key for key in cache._cache if "share-guess" in key]  # type: ignore[attr-defined]

    assert counted, "misses are kept in Django's default (shared) cache"


def test_the_raw_share_token_never_rests_in_the_session_row(user):
    checkin(user)
    client = reauthenticated_client(user)
    client.post(reverse("sharing:new"), create_form())
    share = Share.objects.get(user=user)

    stored = " ".join(UserSession.objects.values_list("session_data", flat=True))
    decoded = " ".join(str(s.get_decoded()) for s in UserSession.objects.all())
    html = client.get(share.get_absolute_url()).content.decode()
    token = html.split("/s/")[1].split("/")[0]

    assert links.hash_token(token) == share.token_hash
    assert token not in stored
    assert token not in decoded


@pytest.mark.parametrize("time_zone", ["Pacific/Kiritimati", "Australia/Sydney", "UTC"])
def test_a_share_preview_dated_in_year_one_gets_a_message_not_a_500(user, time_zone):
    user.time_zone = time_zone
    user.save()
    client = reauthenticated_client(user)
    form = create_form(action="preview", period="dates", start="0001-01-01", end="0001-01-05")

    response = client.post(reverse("sharing:new"), form)

    assert response.status_code == 200
    assert "please check the year" in response.content.decode()
    assert not Share.objects.exists()


def test_a_share_dated_far_in_the_future_is_refused_with_a_message(user):
    client = reauthenticated_client(user)
    form = create_form(period="dates", start="2026-01-01", end="9999-12-31")

    response = client.post(reverse("sharing:new"), form)

    assert "please check the year" in response.content.decode()
    assert not Share.objects.exists()
