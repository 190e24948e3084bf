"""The printable journal: everything the person wrote, laid out for paper, for them alone."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.helpers import reauthenticated_client
from tests.journal.helpers import (
    KEPT,
    make_checkin,
    make_commitment,
    make_lesson,
    make_reflection,
    resolved,
)

pytestmark = pytest.mark.django_db
PRINT = reverse("journal:print")


def test_the_export_page_opens_it_in_one_click(user):
    client = reauthenticated_client(user)
    text = client.get(reverse("export")).content.decode()
    assert f'href="{PRINT}"' in text


def test_it_holds_check_ins_commitments_reflections_and_private_notes(user):
    lesson = make_lesson(title="Old hurts")
    make_checkin(
        user,
        trust=7,
        working="Walks after dinner",
        private_note="Only for me",
        prompt="small-wins",
        prompt_answer="On time all week",
    )
    make_commitment(user, text="Call at lunch", note="Why it matters")
    resolved(user, KEPT, text="Cooked on Friday")
    make_reflection(user, lesson, "It started before us")
    client = reauthenticated_client(user)
    text = client.get(PRINT).content.decode()
    for words in (
        "Walks after dinner",
        "Only for me",
        "What small win could we be glad about?",
        "On time all week",
        "Felt trust 7/10",
        "Call at lunch",
        "Why it matters",
        "Cooked on Friday",
        "It started before us",
        "Old hurts",
        "data-print",
        'role="img"',
    ):
        assert words in text, words


def test_private_notes_can_be_left_out(user):
    make_checkin(user, private_note="Only for me")
    make_commitment(user, note="Why it matters")
    text = reauthenticated_client(user).get(PRINT + "?notes=0").content.decode()
    assert "Only for me" not in text
    assert "Why it matters" not in text
    assert "Include private notes" in text


def test_the_safety_answer_is_never_printed(user):
    make_checkin(user, safety_concern=True)
    text = reauthenticated_client(user).get(PRINT).content.decode()
    assert "Yes" not in text.split("<main")[1]
    assert "tracked where you are" not in text


def test_it_asks_for_the_password_when_it_was_not_given_lately(owner_client):
    response = owner_client.get(PRINT)
    assert response["Location"].startswith(reverse("confirm_password"))


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get(PRINT)["Location"].startswith(reverse("login"))


def test_a_stranger_prints_only_their_own_journal(user, stranger):
    make_checkin(user, working="Owner's words")
    text = reauthenticated_client(stranger).get(PRINT).content.decode()
    assert "Owner&#x27;s words" not in text
    assert "No check-ins yet." in text


def test_its_queries_do_not_grow_with_the_journal(user, stranger):
    for who, size in ((user, 2), (stranger, 40)):
        for n in range(size):
            make_checkin(who, date=timezone.localdate() - datetime.timedelta(days=n))
            make_commitment(who)
    counts = []
    for who in (user, stranger):
        client = reauthenticated_client(who)
        client.get(PRINT)
        with CaptureQueriesContext(connection) as queries:
            client.get(PRINT)
        counts.append(len(queries))
    assert counts[0] == counts[1]
