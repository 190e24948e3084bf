"""Never surveillance, and off after a safety yes.

A partner never learns when the other signed in, read or wrote; nothing on their pages
tells them the other said they are afraid; linking is off after a yes until the person
privately turns it back on; making things private and unlinking are never held back.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from guides.models import LessonProgress
from journal.couples import linking
from journal.couples.models import Invitation, Link, VisibleCommitment
from journal.couples.tests.helpers import (
    CLOCK,
    answered,
    ask,
    commitment,
    kept,
    signed_in,
    with_password,
)
from journal.models import Commitment
from tests.helpers import HTMX
from tests.journal.helpers import make_checkin, make_lesson

pytestmark = pytest.mark.django_db

CONFIRM = reverse("journal:partner_features")
ACTIVITY_WORDS = ("last seen", "online", " ago", "signed in", "last active", "read at", "seen at")


def said_afraid(user) -> None:
    make_checkin(user, safety_concern=True)


def partner_facing_pages(client, checkin, commitment_pk) -> dict[str, str]:
    """Every page and part of a page the partner is shown, by name."""
    urls = {
        "home": reverse("couples:home"),
        "checkins": reverse("couples:checkins"),
        "checkin": checkin.get_absolute_url(),
        "checkin (htmx)": checkin.get_absolute_url(),
        "partner": reverse("couples:partner"),
    }
    pages = {
        name: client.get(url, **(HTMX if "htmx" in name else {})).content.decode()
        for name, url in urls.items()
    }
    noticed = client.post(reverse("couples:noticed", args=[commitment_pk]), **HTMX)
    pages["noticed (htmx)"] = noticed.content.decode()
    return pages


def busy_owner(user, partner):
    """robin, eleven days ago: signed in, read a lesson, wrote, kept a promise, at 21:37."""
    when = timezone.now() - datetime.timedelta(days=11)
    when = when.replace(hour=21, minute=37)
    user.last_login = when
    user.save(update_fields=["last_login"])
    lesson = make_lesson()
    LessonProgress.objects.create(
        user=user, lesson=lesson, started_at=when, last_viewed_at=when, completed_at=when
    )
    make_checkin(user, date=when.date(), working="Robin's private check-in")
    promise = kept(user, text="Shown and kept")
    Commitment.objects.filter(pk=promise.pk).update(created_at=when, resolved_at=when)
    VisibleCommitment.objects.create(commitment=promise)
    other = commitment(user, text="Shown and open", due_date=None)
    Commitment.objects.filter(pk=other.pk).update(created_at=when)
    VisibleCommitment.objects.create(commitment=other)
    checkin = ask(user, partner)
    answered(user, checkin, working="Robin's joint answer")
    answered(partner, checkin, working="Sasha's joint answer")
    return when, checkin, promise


def test_no_partner_facing_page_shows_when_the_other_did_anything(linked):
    user, partner = linked
    when, checkin, promise = busy_owner(user, partner)
    activity_days = {date_format(when, f) for f in ("j F", "j M", "j F Y", "Y-m-d", "d/m/Y")}

    pages = partner_facing_pages(signed_in(partner), checkin, promise.pk)

    assert "Shown and kept" in pages["partner"]
    assert "Robin&#x27;s joint answer" in pages["checkin"]
    for name, html in pages.items():
        assert not CLOCK.search(html), (name, CLOCK.search(html).group(0))
        assert "Robin&#x27;s private check-in" not in html, name
        # The page's own content: the site's idle warning ("Stay signed in") is no activity.
        content = (html.split("<main", 1)[-1].split("</main>", 1)[0]).lower()
        for words in ACTIVITY_WORDS:
            assert words not in content, (name, words)
        for day in activity_days:
            assert day not in html, (name, day)


def test_the_partner_is_never_shown_that_the_other_said_they_are_afraid(linked):
    user, partner = linked
    _when, checkin, promise = busy_owner(user, partner)
    said_afraid(user)

    pages = partner_facing_pages(signed_in(partner), checkin, promise.pk)

    for name, html in pages.items():
        assert "off for now" not in html, name
        assert "may not feel safe" not in html, name
        assert CONFIRM not in html, name
    assert "Shown and kept" in pages["partner"]


def test_with_a_safety_yes_the_invite_page_explains_and_offers_the_private_confirmation(user):
    said_afraid(user)

    text = signed_in(user).get(reverse("couples:invite")).content.decode()

    assert "Linking accounts is off for now." in text
    assert "Why is it off?" in text
    assert f'href="{CONFIRM}?next=/together/invite/"' in text
    assert "Make an invitation" not in text
    # Said neutrally: nothing an onlooker would read as an accusation.
    assert "watching" not in text.lower()
    assert "abuse" not in text.lower()


def test_with_a_safety_yes_no_invitation_can_be_made(user):
    said_afraid(user)

    response = with_password(user).post(reverse("couples:invite_new"))
    htmx = with_password(user).post(reverse("couples:invite_new"), **HTMX)

    assert response["Location"].startswith(CONFIRM)
    assert htmx["HX-Redirect"].startswith(CONFIRM)
    assert not Invitation.objects.exists()


def test_with_a_safety_yes_an_invitation_cannot_be_accepted_until_confirmed(user, partner):
    code = linking.create_invitation(user)[1]
    said_afraid(partner)
    client = with_password(partner)
    join = reverse("couples:join_code", args=[code])

    response = client.post(join)

    assert response["Location"].startswith(CONFIRM)
    assert not Link.objects.exists()
    client.post(CONFIRM, {"choose": "on", "next": join})
    assert client.post(join)["Location"] == reverse("couples:home")
    assert Link.objects.partner_of(partner) == user


def test_the_home_page_says_it_is_off_and_where_to_turn_it_on(user):
    said_afraid(user)

    text = signed_in(user).get(reverse("couples:home")).content.decode()

    assert "Linking accounts is off for now." in text
    assert CONFIRM in text


def test_after_a_yes_a_linked_person_cannot_show_more_without_confirming(linked):
    user, partner = linked
    c = commitment(user)
    checkin = ask(partner, user)
    said_afraid(user)
    client = signed_in(user)

    for url, data in [
        (reverse("couples:commitment_show", args=[c.pk]), {}),
        (reverse("couples:ask"), {}),
        (reverse("couples:answer", args=[checkin.pk]), {"trust": "5"}),
    ]:
        assert client.post(url, data)["Location"].startswith(CONFIRM), url
    assert not VisibleCommitment.objects.exists()
    page = client.get(checkin.get_absolute_url()).content.decode()
    assert "Save my answers" not in page
    assert "Linking accounts is off for now." in page


def test_after_a_yes_making_things_private_and_unlinking_are_never_held_back(linked):
    user, _partner = linked
    c = commitment(user)
    VisibleCommitment.objects.create(commitment=c)
    said_afraid(user)
    client = signed_in(user)

    client.post(reverse("couples:commitment_hide", args=[c.pk]))
    assert not VisibleCommitment.objects.exists()
    client.post(reverse("couples:unlink"))
    assert not Link.objects.exists()


def test_unlinking_never_asks_for_the_password(linked):
    user, _partner = linked

    response = signed_in(user).post(reverse("couples:unlink"))

    assert response["Location"] == reverse("couples:home")


def test_after_a_yes_an_earlier_invitation_can_still_be_switched_off(user):
    invitation, _code = linking.create_invitation(user)
    said_afraid(user)
    client = signed_in(user)

    text = client.get(reverse("couples:invite")).content.decode()
    client.post(reverse("couples:invite_revoke", args=[invitation.pk]))

    assert "Nobody can use it while linking is off." in text
    assert not Invitation.objects.exists()
