"""Commitments a partner can see: private by default, shown one by one, "I noticed" once."""

import pytest
from django.urls import reverse

from journal.couples import linking
from journal.couples.models import VisibleCommitment
from journal.couples.tests.helpers import PRIVATE, commitment, kept, link, signed_in
from journal.models import CommitmentStatus
from tests.helpers import HTMX

pytestmark = pytest.mark.django_db

PARTNER_PAGE = reverse("couples:partner")
MINE = reverse("couples:commitments")


def show_url(c) -> str:
    return reverse("couples:commitment_show", args=[c.pk])


def hide_url(c) -> str:
    return reverse("couples:commitment_hide", args=[c.pk])


def noticed_url(c) -> str:
    return reverse("couples:noticed", args=[c.pk])


def test_every_commitment_is_private_until_its_owner_shows_it(linked):
    user, partner = linked
    commitment(user, text="Phone my sister on Sunday")

    text = signed_in(partner).get(PARTNER_PAGE).content.decode()

    assert "Phone my sister on Sunday" not in text
    assert "Nothing here yet" in text
    assert "Private" in signed_in(user).get(MINE).content.decode()


def test_showing_and_hiding_take_effect_on_the_partners_next_request(linked):
    user, partner = linked
    c = commitment(user, text="Phone my sister on Sunday")
    owner, theirs = signed_in(user), signed_in(partner)

    response = owner.post(show_url(c), {"next": MINE})
    assert response["Location"] == MINE
    assert "Phone my sister on Sunday" in theirs.get(PARTNER_PAGE).content.decode()

    owner.post(hide_url(c))
    assert "Phone my sister on Sunday" not in theirs.get(PARTNER_PAGE).content.decode()


def test_toggling_over_htmx_swaps_only_the_row(linked):
    user, _partner = linked
    c = commitment(user)

    response = signed_in(user).post(show_url(c), {"next": MINE}, **HTMX)

    text = response.content.decode()
    assert text.lstrip().startswith(f'<li class="card" id="visible-{c.pk}"')
    assert "Visible to sasha" in text
    assert "Make it private" in text
    assert f'name="next" value="{MINE}"' in text


def test_the_partner_sees_the_words_and_the_outcome_never_notes_reasons_or_times(linked):
    user, partner = linked
    shown = [
        commitment(user, text="Open one", due_date=None),
        kept(user, text="Kept one"),
        commitment(
            user,
            text="Moved one",
            status=CommitmentStatus.RENEGOTIATED,
            renegotiation_reason=f"{PRIVATE} reason",
        ),
        commitment(user, text="Missed one", status=CommitmentStatus.MISSED),
    ]
    for c in shown:
        VisibleCommitment.objects.create(commitment=c)

    text = signed_in(partner).get(PARTNER_PAGE).content.decode()

    for words in ("Open one", "Kept one", "Moved one", "Missed one"):
        assert words in text
    for status in ("Open", "Kept", "Renegotiated", "Missed"):
        assert f">{status}</span>" in text
    assert PRIVATE not in text


def test_the_partner_can_answer_a_kept_commitment_with_i_noticed_once(linked):
    user, partner = linked
    c = kept(user)
    VisibleCommitment.objects.create(commitment=c)
    client = signed_in(partner)
    assert "I noticed" in client.get(PARTNER_PAGE).content.decode()

    response = client.post(noticed_url(c))
    client.post(noticed_url(c))

    assert response["Location"] == PARTNER_PAGE
    assert VisibleCommitment.objects.get().noticed
    text = client.get(PARTNER_PAGE).content.decode()
    assert "You noticed" in text
    assert "I noticed<" not in text
    assert "sasha noticed" in signed_in(user).get(MINE).content.decode()


def test_i_noticed_over_htmx_swaps_only_the_commitment(linked):
    user, partner = linked
    c = kept(user)
    VisibleCommitment.objects.create(commitment=c)

    response = signed_in(partner).post(noticed_url(c), **HTMX)

    text = response.content.decode()
    assert text.lstrip().startswith(f'<li class="card" id="shown-{c.pk}"')
    assert "You noticed" in text


@pytest.mark.parametrize("status", ["open", "missed", "renegotiated"])
def test_only_a_kept_commitment_can_be_noticed(linked, status):
    user, partner = linked
    c = commitment(user, status=status)
    VisibleCommitment.objects.create(commitment=c)

    signed_in(partner).post(noticed_url(c))

    assert not VisibleCommitment.objects.get().noticed
    assert "I noticed" not in signed_in(partner).get(PARTNER_PAGE).content.decode()


def test_a_private_commitment_cannot_be_noticed(linked):
    user, partner = linked
    c = kept(user)

    assert signed_in(partner).post(noticed_url(c)).status_code == 404


def test_nobody_notices_their_own_commitment(linked):
    user, _partner = linked
    c = kept(user)
    VisibleCommitment.objects.create(commitment=c)

    assert signed_in(user).post(noticed_url(c)).status_code == 404


def test_the_preview_is_exactly_what_the_partner_sees(linked):
    user, partner = linked
    VisibleCommitment.objects.create(commitment=kept(user, text="Shown and kept"))
    commitment(user, text="Still private")

    preview = signed_in(user).get(reverse("couples:preview")).content.decode()
    theirs = signed_in(partner).get(PARTNER_PAGE).content.decode()

    assert "exactly what sasha sees" in preview
    for text in (preview, theirs):
        assert "Shown and kept" in text
        assert "Still private" not in text
        assert PRIVATE not in text
    assert "robin\u2019s commitments" in preview
    assert "robin\u2019s commitments" in theirs
    assert "I noticed" not in preview


def test_the_partner_cannot_change_what_is_shown(linked):
    user, partner = linked
    c = commitment(user)
    client = signed_in(partner)

    assert client.post(show_url(c)).status_code == 404
    VisibleCommitment.objects.create(commitment=c)
    assert client.post(hide_url(c)).status_code == 404
    assert VisibleCommitment.objects.filter(commitment=c).exists()


def test_unlinking_makes_everything_private_and_a_new_partner_starts_from_nothing(linked, stranger):
    user, partner = linked
    c = commitment(user, text="Shown to sasha")
    VisibleCommitment.objects.create(commitment=c)

    linking.unlink(partner)
    link(user, stranger)

    assert "Shown to sasha" not in signed_in(stranger).get(PARTNER_PAGE).content.decode()


def test_the_owners_list_is_paged(linked):
    user, _partner = linked
    for n in range(30):
        commitment(user, text=f"Promise number {n}")
    client = signed_in(user)

    first = client.get(MINE).content.decode()
    second = client.get(MINE + "?page=2").content.decode()

    assert "Promise number 29" in first
    assert "Promise number 0" not in first
    assert "Promise number 0" in second
    assert 'name="next" value="/together/commitments/?page=2"' in second
