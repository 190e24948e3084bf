"""The partner's replies and "I have read this", as the dashboard lists them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from journal.sharing import links
from journal.sharing.templatetags.sharing_tags import SHOWN, partner_answers
from journal.sharing.tests.helpers import share_for

pytestmark = pytest.mark.django_db


def answered(user, *, reply: str = "", days_ago: float = 0):
    share, _ = share_for(user)
    if reply:
        links.add_reply(share, reply)
    else:
        links.acknowledge(share)
    when = timezone.now() - datetime.timedelta(days=days_ago)
    type(share).objects.filter(pk=share.pk).update(
        replied_at=when if reply else None, acknowledged_at=when
    )
    return share


def test_the_latest_answers_come_first_with_their_reply_and_period(user, stranger):
    read = answered(user, days_ago=1)
    replied = answered(user, reply="Thank you, I saw it", days_ago=0.5)
    answered(user, days_ago=31)  # too long ago
    share_for(user)  # not answered
    answered(stranger, reply="Not yours")
    answers = partner_answers(user)
    assert [a.pk for a in answers] == [replied.pk, read.pk]
    assert answers[0].reply == "Thank you, I saw it"
    assert answers[0].period_start == datetime.date.fromisoformat(str(replied.period_start))
    assert answers[1].replied_at is None
    assert answers[1].acknowledged_at > timezone.now() - datetime.timedelta(days=2)


def test_at_most_a_few_are_shown(user):
    for n in range(SHOWN + 2):
        answered(user, days_ago=n)
    assert len(partner_answers(user)) == SHOWN


def test_the_dashboard_shows_a_reply_escaped_and_links_to_the_summary(user, owner_client):
    share = answered(user, reply="<b>Read it</b> & thank you")
    text = owner_client.get(reverse("journal:dashboard")).content.decode()
    assert "From your partner" in text
    assert "&lt;b&gt;Read it&lt;/b&gt; &amp; thank you" in text
    assert "<b>Read it" not in text
    assert reverse("sharing:detail", args=[share.pk]) in text


def test_the_dashboard_says_nothing_without_answers(user, owner_client):
    share_for(user)
    assert (
        "From your partner" not in owner_client.get(reverse("journal:dashboard")).content.decode()
    )
