"""Attacks on share links: guessing, the one-time link, and hostile dates."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

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


LOOKUPS = [links.find_live_share, links.view_live_share]


@pytest.mark.parametrize("lookup", LOOKUPS, ids=lambda lookup: lookup.__name__)
def test_the_written_out_lookup_finds_exactly_what_live_finds(user, stranger, lookup):
    """links.LIVE_SHARE_SQL and VIEW_SHARE_SQL stand for Share.objects.live() by token,
    in every state; the counting one writes to what it finds and to nothing else."""
    now = timezone.now()
    states = {
        "live": {},
        "revoked": {"revoked_at": now},
        "expired": {"expires_at": now - datetime.timedelta(seconds=1)},
        "expiring now": {"expires_at": now},
        "inactive owner": {},
    }
    tokens = {}
    for name, fields in states.items():
        share, token = share_for(stranger if name == "inactive owner" else user)
        Share.objects.filter(pk=share.pk).update(**fields)
        tokens[name] = (share, token)
    stranger.is_active = False
    stranger.save(update_fields=["is_active"])
    for name, (_share, token) in tokens.items():
        found = lookup(token)
        expected = Share.objects.live().filter(token_hash=links.hash_token(token)).first()
        assert (found and found.pk) == (expected and expected.pk), name
    assert [name for name, (_, token) in tokens.items() if lookup(token)] == ["live"]
    assert lookup(links.new_token()) is None
    assert lookup("' OR 1=1 --") is None
    views = {name: Share.objects.get(pk=share.pk).view_count for name, (share, _) in tokens.items()}
    # Each share was looked up twice above.
    counted = 2 if lookup is links.view_live_share else 0
    assert views == {name: counted if name == "live" else 0 for name in states}


@pytest.mark.parametrize("lookup", LOOKUPS, ids=lambda lookup: lookup.__name__)
def test_the_lookup_loads_what_the_partner_page_uses(user, lookup):
    checkin(user)
    share, token = share_for(user)
    # Every column read holds a value of its own, so a column out of place shows.
    links.acknowledge(share)
    links.add_reply(share, "Thank you")
    found = lookup(token)
    stored = Share.objects.get(pk=share.pk)
    assert found.get_deferred_fields() == {
        "user_id",
        "token_hash",
        "period_start",
        "period_end",
        "created_at",
        "revoked_at",
        "view_count",
        "first_viewed_at",
        "last_viewed_at",
    }
    assert {name: getattr(found, name) for name in links.SHOWN} == {
        name: getattr(stored, name) for name in links.SHOWN
    }
    assert len({getattr(found, name) for name in links.SHOWN}) == len(links.SHOWN)
    assert (found.snapshot, found.reply) == (share.snapshot, "Thank you")
