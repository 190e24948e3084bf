"""Joint check-ins: each answers alone; nothing is seen until both have answered."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journal.couples import joint, linking
from journal.couples.models import JointAnswer, JointCheckIn
from journal.couples.tests.helpers import (
    PRIVATE,
    answer_data,
    answered,
    ask,
    link,
    signed_in,
)
from tests.helpers import HTMX, PASSWORD
from trustrepair.models import UserSession

pytestmark = pytest.mark.django_db

ROBIN_SAYS = "Robin: the Sunday walks"
SASHA_SAYS = "Sasha: breakfast together"


def page(client, checkin, **headers) -> str:
    return client.get(checkin.get_absolute_url(), **headers).content.decode()


def answer_url(checkin) -> str:
    return reverse("couples:answer", args=[checkin.pk])


def test_asking_opens_one_joint_check_in_for_both(linked):
    user, partner = linked

    response = signed_in(user).post(reverse("couples:ask"))

    checkin = JointCheckIn.objects.get()
    assert response["Location"] == checkin.get_absolute_url()
    assert set(checkin.answers.values_list("user", flat=True)) == {user.pk, partner.pk}
    assert checkin.answers.get(user=user).asked
    assert checkin.is_open
    assert "You asked, the week of" in page(signed_in(user), checkin)
    assert "robin asked, the week of" in page(signed_in(partner), checkin)


def test_asking_again_while_one_is_open_goes_to_the_open_one(linked):
    user, partner = linked
    first = ask(user, partner)

    response = signed_in(partner).post(reverse("couples:ask"))

    assert response["Location"] == first.get_absolute_url()
    assert JointCheckIn.objects.count() == 1


def test_the_first_to_answer_waits_and_sees_none_of_the_others_answers(linked):
    user, partner = linked
    checkin = ask(user, partner)
    client = signed_in(user)

    response = client.post(answer_url(checkin), answer_data(working=ROBIN_SAYS))

    assert response["Location"] == checkin.get_absolute_url()
    text = page(client, checkin)
    assert "Waiting for your partner." in text
    assert ROBIN_SAYS in text
    assert "Side by side" not in text
    # The partner has not answered; their page shows the form and none of robin's words.
    theirs = page(signed_in(partner), checkin)
    assert ROBIN_SAYS not in theirs
    assert "robin has answered" in theirs
    assert "Save my answers" in theirs


def test_answers_stay_hidden_until_both_have_answered(linked):
    user, partner = linked
    checkin = ask(user, partner)
    answered(partner, checkin, working=SASHA_SAYS, trust="3")

    before = page(signed_in(user), checkin)
    assert SASHA_SAYS not in before
    assert "Save my answers" in before

    answered(user, checkin, working=ROBIN_SAYS, trust="8")

    for client in (signed_in(user), signed_in(partner)):
        text = page(client, checkin)
        assert SASHA_SAYS in text
        assert ROBIN_SAYS in text
        assert "Side by side" in text
        assert "Waiting for your partner" not in text


def test_side_by_side_shows_the_gap_between_the_ratings(linked):
    user, partner = linked
    checkin = ask(user, partner)
    answered(user, checkin, trust="8", communication="4", connection="3")
    answered(partner, checkin, trust="3", communication="4", connection="5")

    pair = joint.pair(checkin.pk, user, partner)

    assert [(g.scale.field, g.mine, g.theirs, g.apart) for g in pair.gaps()] == [
        ("trust", 8, 3, 5),
        ("communication", 4, 4, 0),
        ("connection", 3, 5, 2),
    ]
    text = page(signed_in(user), checkin)
    assert "<td>8</td><td>3</td><td>5</td>" in text
    assert "<td>none</td>" in text


def test_the_author_may_show_their_own_answers_before_the_partner_answers(linked):
    user, partner = linked
    checkin = ask(user, partner)
    answered(user, checkin, working=ROBIN_SAYS)
    client = signed_in(user)

    response = client.post(reverse("couples:reveal", args=[checkin.pk]))

    assert response["Location"] == checkin.get_absolute_url()
    assert "sasha can read your answers already" in page(client, checkin)
    theirs = page(signed_in(partner), checkin)
    assert ROBIN_SAYS in theirs
    assert "Save my answers" in theirs
    # Showing one's own never shows the other's.
    assert "Side by side" not in theirs


def test_revealing_over_htmx_returns_only_the_status_part(linked):
    user, partner = linked
    checkin = ask(user, partner)
    answered(user, checkin)

    response = signed_in(user).post(reverse("couples:reveal", args=[checkin.pk]), **HTMX)

    text = response.content.decode()
    assert text.lstrip().startswith('<div id="joint-status"')
    assert "<html" not in text
    assert JointAnswer.objects.get(user=user).revealed


def test_nothing_can_be_revealed_before_answering(linked):
    user, partner = linked
    checkin = ask(user, partner)

    signed_in(user).post(reverse("couples:reveal", args=[checkin.pk]))

    assert not JointAnswer.objects.get(user=user).revealed


def test_the_private_note_never_reaches_the_partner(linked):
    user, partner = linked
    checkin = ask(user, partner)
    answered(user, checkin, private_note=f"{PRIVATE} robin's own")
    signed_in(user).post(reverse("couples:reveal", args=[checkin.pk]))
    answered(partner, checkin)
    client = signed_in(partner)

    pages = [
        page(client, checkin),
        page(client, checkin, **HTMX),
        client.get(reverse("couples:checkins")).content.decode(),
        client.get(reverse("couples:home")).content.decode(),
    ]

    for text in pages:
        assert "robin&#x27;s own" not in text
        assert "robin's own" not in text
    # The author sees their own note, and is told only they do.
    mine = page(signed_in(user), checkin)
    assert "robin&#x27;s own" in mine
    assert "only you see this" in mine


def test_answers_are_final_once_saved(linked):
    user, partner = linked
    checkin = ask(user, partner)
    client = signed_in(user)
    client.post(answer_url(checkin), answer_data(working="First"))

    client.post(answer_url(checkin), answer_data(working="Second"))

    assert JointAnswer.objects.get(user=user).working == "First"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"trust": ""}, "Choose a number from 1 to 10."),
        ({"trust": "11"}, "Choose a number from 1 to 10."),
        ({"connection": "zero"}, "Choose a number from 1 to 5."),
        ({"would_help": "x" * 501}, "Please keep this to 500 characters"),
    ],
)
def test_bad_input_gets_a_clear_message_and_keeps_what_was_typed(linked, overrides, message):
    user, partner = linked
    checkin = ask(user, partner)

    response = signed_in(user).post(
        answer_url(checkin), answer_data(working="Keep these words", **overrides)
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert message in text
    assert "Keep these words" in text
    assert not JointAnswer.objects.get(user=user).answered


def test_bad_input_over_htmx_comes_back_in_the_status_part(linked):
    user, partner = linked
    checkin = ask(user, partner)

    response = signed_in(user).post(answer_url(checkin), answer_data(trust=""), **HTMX)

    text = response.content.decode()
    assert text.lstrip().startswith('<div id="joint-status"')
    assert "Choose a number from 1 to 10." in text


def test_a_check_in_not_answered_in_seven_days_closes_quietly(linked):
    user, partner = linked
    checkin = ask(user, partner)
    answered(user, checkin, working=ROBIN_SAYS)
    JointCheckIn.objects.filter(pk=checkin.pk).update(
        closes_at=timezone.now() - datetime.timedelta(seconds=1)
    )

    late = signed_in(partner).post(answer_url(checkin), answer_data())
    reveal = signed_in(user).post(reverse("couples:reveal", args=[checkin.pk]))

    assert late.status_code == 302
    assert reveal.status_code == 302
    assert not JointAnswer.objects.get(user=partner).answered
    assert not JointAnswer.objects.get(user=user).revealed
    theirs = page(signed_in(partner), checkin)
    assert ROBIN_SAYS not in theirs
    assert "Save my answers" not in theirs
    assert "closed before you both answered" in theirs
    # A new one can be asked; the closed one is not in the way.
    assert joint.ask(partner, user)[1]


def test_the_seven_days_are_counted_from_the_asking(linked):
    user, partner = linked
    checkin = ask(user, partner)

    assert checkin.closes_at - timezone.now() > datetime.timedelta(days=6, hours=23)
    assert checkin.closes_on == timezone.localdate() + datetime.timedelta(days=7)


def test_a_check_in_of_two_people_who_are_no_longer_linked_is_a_404(linked, stranger):
    user, partner = linked
    checkin = ask(user, partner)
    linking.unlink(user)
    link(user, stranger)

    for client in (signed_in(user), signed_in(partner), signed_in(stranger)):
        assert client.get(checkin.get_absolute_url()).status_code == 404


def test_an_answer_sent_after_the_session_ended_comes_back_after_signing_in(linked):
    user, partner = linked
    checkin = ask(user, partner)
    client = Client()
    client.post(reverse("login"), {"username": partner.username, "password": PASSWORD})
    UserSession.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    url = reverse("couples:answer", args=[checkin.pk])

    sent = client.post(url, answer_data(working="Sunday breakfasts, kept"))

    assert sent["Location"] == f"{reverse('login')}?next={url}"
    assert settings.KEPT_WORDS_COOKIE_NAME in sent.cookies
    back = client.post(reverse("login"), {"username": partner.username, "password": PASSWORD})
    assert back["Location"] == url
    page = client.get(url).content.decode()
    assert "We kept what you wrote" in page
    assert "Sunday breakfasts, kept</textarea>" in page
    assert not checkin.answers.get(user=partner).answered
