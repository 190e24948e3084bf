import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journal.models import CommitmentStatus
from journal.sharing import links
from journal.sharing.models import Share
from journal.sharing.tests.helpers import PRIVATE, checkin, commitment, create_form, share_for
from tests.helpers import HTMX, reauthenticated_client

pytestmark = pytest.mark.django_db


# Tokens


def test_token_carries_at_least_256_bits_and_only_its_hash_is_stored(user):
    share, token = share_for(user)
    assert len(token) >= 43  # 32 random bytes, base64url
    assert re.fullmatch(r"[A-Za-z0-9_-]+", token)
    assert share.token_hash == links.hash_token(token)
    assert token not in share.token_hash
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM journal_share")
        stored = " ".join(str(v) for row in cursor.fetchall() for v in row)
    assert token not in stored


def test_tokens_differ_every_time(user):
    tokens = {share_for(user)[1] for _ in range(5)}
    assert len(tokens) == 5


# Creating


def test_creating_a_share_needs_a_recent_password(owner_client):
    response = owner_client.get(reverse("sharing:new"))
    assert response["Location"].startswith(reverse("confirm_password"))


def test_owner_creates_a_share_and_sees_the_link_once(user):
    checkin(user)
    client = reauthenticated_client(user)
    response = client.post(reverse("sharing:new"), create_form())
    share = Share.objects.get(user=user)
    assert response["Location"] == share.get_absolute_url()
    first = client.get(share.get_absolute_url()).content.decode()
    link = re.search(r'value="(http://testserver/s/[^"]+/)"', first).group(1)
    assert "shown only this once" in first
    second = client.get(share.get_absolute_url()).content.decode()
    assert link not in second
    assert Client().get(link.removeprefix("http://testserver")).status_code == 200


def test_the_form_says_private_notes_are_never_included(user):
    text = reauthenticated_client(user).get(reverse("sharing:new")).content.decode()
    assert "private notes are never included" in text.lower()
    assert "voluntary" in text


def test_preview_shows_what_the_partner_will_see_without_making_a_link(user):
    checkin(user, trust=8)
    client = reauthenticated_client(user)
    response = client.post(reverse("sharing:new"), create_form(action="preview"))
    text = response.content.decode()
    assert "exactly what your partner will see" in text
    assert "Here is how my fortnight went" in text
    assert PRIVATE not in text
    assert not Share.objects.exists()


def test_preview_over_htmx_returns_only_the_preview_partial(user):
    checkin(user)
    client = reauthenticated_client(user)
    response = client.post(reverse("sharing:new"), create_form(action="preview"), **HTMX)
    text = response.content.decode()
    assert text.lstrip().startswith('<div id="preview"')
    assert "<html" not in text


def test_refreshing_the_period_keeps_what_was_typed(user):
    checkin(user, days_ago=20)
    client = reauthenticated_client(user)
    form = create_form(action="refresh", period="4w", message="Keep me please")
    text = client.post(reverse("sharing:new"), form).content.decode()
    assert "Keep me please" in text
    assert re.search(r'value="4w"[^>]*checked', text)
    assert not Share.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"period": "dates", "start": "", "end": ""}, "Choose the first day."),
        ({"period": "dates", "start": "2026-05-10", "end": "2026-05-01"}, "on or after"),
        ({"period": "dates", "start": "2020-01-01", "end": "2026-01-01"}, "a year or less"),
        ({"include_ratings": "", "include_consistency": ""}, "Choose at least one thing"),
        ({"message": "x" * 1001}, "1,000 characters or fewer (it has 1001)"),
    ],
)
def test_bad_share_input_gets_a_clear_message_and_keeps_the_message(user, overrides, message):
    client = reauthenticated_client(user)
    form = create_form(**overrides)
    text = client.post(reverse("sharing:new"), form).content.decode()
    assert message in text
    if form["message"] != "x" * 1001:
        assert "Here is how my fortnight went" in text
    assert not Share.objects.exists()


# Frozen content and privacy


def test_summary_is_frozen_when_the_share_is_made(user):
    entry = checkin(user, trust=4, working="Sunday breakfasts")
    share, token = share_for(user)
    entry.trust = 9
    entry.working = "Something edited later"
    entry.save()
    checkin(user, days_ago=1, trust=2)
    text = Client().get(f"/s/{token}/").content.decode()
    assert "Sunday breakfasts" in text
    assert "Something edited later" not in text
    assert share.snapshot["checkin_count"] == 1


def test_private_fields_never_reach_the_partner_page_preview_or_detail(user):
    checkin(user)
    commitment(user, status=CommitmentStatus.KEPT)
    commitment(user, status=CommitmentStatus.RENEGOTIATED)
    share, token = share_for(user)
    partner = Client().get(f"/s/{token}/").content.decode()
    owner = reauthenticated_client(user)
    detail = owner.get(share.get_absolute_url()).content.decode()
    preview = owner.post(reverse("sharing:new"), create_form(action="preview"))
    for html in (partner, detail, preview.content.decode()):
        assert PRIVATE not in html
    assert PRIVATE not in share.snapshot_json


def test_only_chosen_checkins_show_their_answers(user):
    chosen = checkin(user, working="Chosen answer")
    checkin(user, days_ago=1, working="Not chosen answer")
    _, token = share_for(user, reflection_checkin_ids=[chosen.pk])
    text = Client().get(f"/s/{token}/").content.decode()
    assert "Chosen answer" in text
    assert "Not chosen answer" not in text


def test_another_persons_checkins_cannot_be_chosen(user, stranger):
    theirs = checkin(stranger, working="The stranger's words")
    _, token = share_for(user, reflection_checkin_ids=[theirs.pk])
    assert "The stranger&#x27;s words" not in Client().get(f"/s/{token}/").content.decode()


def test_consistency_counts_renegotiated_apart_from_missed(user):
    for status in ["kept", "kept", "kept", "missed", "renegotiated"]:
        commitment(user, status=status)
    share, _ = share_for(user)
    assert share.snapshot["consistency"]["rate"] == 75
    assert share.snapshot["consistency"]["renegotiated"] == 1


# The partner's view


def test_partner_page_needs_no_account_and_has_charts_and_the_right_headers(user):
    checkin(user, days_ago=2)
    checkin(user)
    _, token = share_for(user)
    response = Client().get(f"/s/{token}/")
    text = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("no-store")
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "same-origin"
    assert "<svg" in text
    assert 'role="img"' in text
    assert "Thank you for reading" in text


def test_views_are_counted_for_the_owner(user):
    share, token = share_for(user)
    Client().get(f"/s/{token}/")
    Client().get(f"/s/{token}/")
    share.refresh_from_db()
    assert share.view_count == 2
    assert share.first_viewed_at is not None


def test_every_visit_is_counted_in_the_database_and_the_first_stays_first(user):
    share, token = share_for(user)
    Client().get(f"/s/{token}/")
    share.refresh_from_db()
    first = share.first_viewed_at
    # Two more visits: each adds one to what the row holds, not to a count it read.
    links.view_live_share(token)
    links.view_live_share(token)
    share.refresh_from_db()
    assert share.view_count == 3
    assert share.first_viewed_at == first
    assert share.last_viewed_at >= first


@pytest.mark.parametrize("method", ["get", "head"])
def test_a_visit_is_one_statement_that_counts_one_view(user, method, django_assert_num_queries):
    share, token = share_for(user)
    with django_assert_num_queries(1):
        response = getattr(Client(), method)(f"/s/{token}/")
    assert response.status_code == 200
    share.refresh_from_db()
    assert share.view_count == 1
    assert share.first_viewed_at == share.last_viewed_at is not None


def test_an_answer_is_not_counted_as_a_visit(user):
    share, token = share_for(user)
    Client().post(f"/s/{token}/", {"action": "ack"})
    Client().post(f"/s/{token}/", {"action": "reply", "reply": "y" * 501})
    share.refresh_from_db()
    assert share.acknowledged_at is not None
    assert (share.view_count, share.first_viewed_at, share.last_viewed_at) == (0, None, None)


@pytest.mark.parametrize("case", ["expired", "revoked", "inactive owner", "unknown"])
def test_a_visit_to_a_dead_link_writes_nothing(user, case):
    share, token = share_for(user)
    if case == "expired":
        Share.objects.filter(pk=share.pk).update(expires_at=timezone.now())
    elif case == "revoked":
        links.revoke(share)
    elif case == "inactive owner":
        user.is_active = False
        user.save(update_fields=["is_active"])
    elif case == "unknown":
        token = links.new_token()
    before = list(Share.objects.values())
    for method in ("get", "head"):
        assert getattr(Client(), method)(f"/s/{token}/").status_code == 404
    assert list(Share.objects.values()) == before


def test_partner_can_acknowledge_and_reply_once(user):
    share, token = share_for(user)
    # The link is the partner's only authority: no token from the page, no cookie.
    partner = Client(enforce_csrf_checks=True)
    page = partner.get(f"/s/{token}/")
    assert "csrfmiddlewaretoken" not in page.content.decode()
    partner.post(f"/s/{token}/", {"action": "ack"})
    partner.post(f"/s/{token}/", {"action": "reply", "reply": "Thank you"})
    partner.post(f"/s/{token}/", {"action": "reply", "reply": "Second try"})
    share.refresh_from_db()
    assert share.acknowledged_at is not None
    assert share.reply == "Thank you"
    detail = reauthenticated_client(user).get(share.get_absolute_url()).content.decode()
    assert "Thank you" in detail


def test_a_too_long_reply_is_refused_with_a_message_and_kept(user):
    _, token = share_for(user)
    response = Client().post(f"/s/{token}/", {"action": "reply", "reply": "y" * 501})
    text = response.content.decode()
    assert "500 characters" in text
    assert "y" * 501 in text


def test_no_box_cuts_pasted_text_short_the_server_says_what_is_too_long(user):
    """A maxlength attribute would drop the end of a pasted reply or message unseen."""
    _, token = share_for(user)
    partner_page = Client().get(f"/s/{token}/").content.decode()
    new_share = reauthenticated_client(user).get(reverse("sharing:new")).content.decode()

    assert 'name="reply"' in partner_page
    assert 'name="message"' in new_share
    assert "maxlength" not in partner_page
    assert "maxlength" not in new_share


@pytest.mark.parametrize("case", ["expired", "revoked", "deleted", "unknown", "malformed"])
def test_dead_links_all_get_the_same_404(user, case):
    share, token = share_for(user)
    if case == "expired":
        Share.objects.filter(pk=share.pk).update(expires_at=timezone.now())
    elif case == "revoked":
        links.revoke(share)
    elif case == "deleted":
        user.delete()
    elif case == "unknown":
        token = links.new_token()
    elif case == "malformed":
        token = "not a token"
    response = Client().get(f"/s/{token}/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_nothing_can_be_written_through_a_dead_link(user):
    share, token = share_for(user)
    links.revoke(share)
    response = Client().post(f"/s/{token}/", {"action": "reply", "reply": "Hello"})
    assert response.status_code == 404
    share.refresh_from_db()
    assert share.reply == ""


def test_guessing_links_is_throttled(db):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(links.GUESS_LIMIT):
        assert client.get(f"/s/{links.new_token()}/").status_code == 404
    assert client.get(f"/s/{links.new_token()}/").status_code == 429
    assert Client(REMOTE_ADDR="203.0.113.10").get("/s/abc/").status_code == 404


# The owner's list and revocation


def test_owner_lists_shares_with_status_and_views(user, owner_client):
    _share, token = share_for(user)
    Client().get(f"/s/{token}/")
    text = owner_client.get(reverse("sharing:list")).content.decode()
    assert "Active until" in text
    assert "1 (last" in text


def test_owner_revokes_and_the_partner_gets_404(user, owner_client):
    share, token = share_for(user)
    response = owner_client.post(reverse("sharing:revoke", args=[share.pk]))
    assert response.status_code == 302
    assert Client().get(f"/s/{token}/").status_code == 404


def test_revoke_over_htmx_swaps_the_status_in_place(user, owner_client):
    share, _ = share_for(user)
    response = owner_client.post(reverse("sharing:revoke", args=[share.pk]), **HTMX)
    text = response.content.decode()
    assert text.lstrip().startswith('<section id="share-status"')
    assert "Switched off" in text


@pytest.mark.parametrize("htmx", [False, True])
def test_stranger_cannot_see_or_revoke_anothers_share(user, stranger_client, htmx):
    share, token = share_for(user)
    headers = HTMX if htmx else {}
    assert stranger_client.get(share.get_absolute_url(), **headers).status_code == 404
    revoke = stranger_client.post(reverse("sharing:revoke", args=[share.pk]), **headers)
    assert revoke.status_code == 404
    assert token not in stranger_client.get(reverse("sharing:list")).content.decode()
    share.refresh_from_db()
    assert share.revoked_at is None


def test_stranger_list_shows_none_of_anothers_shares(user, stranger_client):
    share_for(user)
    text = stranger_client.get(reverse("sharing:list")).content.decode()
    assert "You have not shared anything yet" in text


def test_reading_and_answering_a_summary_leaves_no_cookie_on_the_partners_device(user):
    # A year-long CSRF cookie from this site would tell anyone who looks at the
    # browser that it has been here. Nothing on the partner's page borrows a cookie's
    # authority (the secret link is the only one), so nothing sets one.
    _share, token = share_for(user)
    partner = Client(enforce_csrf_checks=True)
    responses = [
        partner.get(f"/s/{token}/"),
        partner.post(f"/s/{token}/", {"action": "reply", "reply": "x" * 5000}),
        partner.post(f"/s/{token}/", {"action": "reply", "reply": "Thank you"}),
        partner.post(f"/s/{token}/", {"action": "ack"}),
        partner.get(f"/s/{token}/"),
    ]
    assert [r.status_code for r in responses] == [200, 200, 302, 302, 200]
    assert all(not r.cookies for r in responses)
    assert not partner.cookies
