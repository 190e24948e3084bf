import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from journal.models import CheckIn, Commitment
from tests.journal.helpers import make_checkin, make_commitment, make_lesson, make_reflection

pytestmark = pytest.mark.django_db
URL = reverse("journal:timeline")


def ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def kinds_and_ids(response) -> list[tuple[str, int]]:
    return [(entry.kind, entry.item.pk) for entry in response.context["page"].object_list]


def test_the_timeline_mixes_every_kind_newest_first(owner_client, user):
    old = make_commitment(user, created_at=ago(5))
    checkin = make_checkin(user, created_at=ago(3))
    reflection = make_reflection(user, make_lesson())  # now
    newer = make_commitment(user, created_at=ago(1))
    response = owner_client.get(URL)
    assert kinds_and_ids(response) == [
        ("reflection", reflection.pk),
        ("commitment", newer.pk),
        ("checkin", checkin.pk),
        ("commitment", old.pk),
    ]


def test_the_timeline_shows_only_the_owners_entries(owner_client, user, stranger):
    make_commitment(stranger, text="Not yours")
    make_checkin(stranger, working="Also not yours")
    make_commitment(user, text="Yours")
    text = owner_client.get(URL).content.decode()
    assert "Yours" in text
    assert "not yours" not in text.lower()


def test_the_timeline_pages_by_twenty(owner_client, user):
    Commitment.objects.bulk_create(
        Commitment(user=user, text=f"Item {n}", strategy="reliability", created_at=ago(n))
        for n in range(45)
    )
    first = owner_client.get(URL)
    assert len(first.context["page"].object_list) == 20
    assert first.context["page"].paginator.num_pages == 3
    assert "Item 0" in first.content.decode()
    last = owner_client.get(URL, {"page": 3})
    assert [e.item.text for e in last.context["page"].object_list] == [
        f"Item {n}" for n in range(40, 45)
    ]
    # Past the end or nonsense: the nearest sensible page, not an error.
    assert owner_client.get(URL, {"page": 99}).context["page"].number == 3
    assert owner_client.get(URL, {"page": "x"}).context["page"].number == 1


def test_paging_keeps_the_filters(owner_client, user):
    Commitment.objects.bulk_create(
        Commitment(user=user, text=f"Item {n}", strategy="empathy", created_at=ago(n))
        for n in range(25)
    )
    text = owner_client.get(URL, {"kind": "commitment", "strategy": "empathy"}).content.decode()
    assert "?kind=commitment&amp;strategy=empathy&amp;page=2" in text


def test_filter_by_kind(owner_client, user):
    make_commitment(user)
    checkin = make_checkin(user)
    make_reflection(user, make_lesson())
    response = owner_client.get(URL, {"kind": "checkin"})
    assert kinds_and_ids(response) == [("checkin", checkin.pk)]


def test_filter_by_strategy_shows_matching_commitments(owner_client, user):
    empathy = make_commitment(user, strategy="empathy")
    make_commitment(user, strategy="reliability")
    make_checkin(user)
    response = owner_client.get(URL, {"strategy": "empathy"})
    assert kinds_and_ids(response) == [("commitment", empathy.pk)]


def test_filter_by_status(owner_client, user):
    kept = make_commitment(user, status="kept", resolved_at=timezone.now())
    make_commitment(user, status="missed", resolved_at=timezone.now())
    make_commitment(user)
    response = owner_client.get(URL, {"status": "kept"})
    assert kinds_and_ids(response) == [("commitment", kept.pk)]


def test_filter_overdue(owner_client, user):
    overdue = make_commitment(user, due_date=timezone.localdate() - datetime.timedelta(days=2))
    make_commitment(user, due_date=timezone.localdate() + datetime.timedelta(days=2))
    make_commitment(
        user,
        due_date=timezone.localdate() - datetime.timedelta(days=2),
        status="kept",
        resolved_at=timezone.now(),
    )
    response = owner_client.get(URL, {"status": "overdue"})
    assert kinds_and_ids(response) == [("commitment", overdue.pk)]
    assert "Overdue" in response.content.decode()


def test_status_with_a_kind_other_than_commitments_finds_nothing(owner_client, user):
    make_checkin(user)
    response = owner_client.get(URL, {"kind": "checkin", "status": "kept"})
    assert kinds_and_ids(response) == []
    assert "Nothing matches these filters." in response.content.decode()


def test_an_unknown_filter_value_is_ignored(owner_client, user):
    make_commitment(user)
    make_checkin(user)
    response = owner_client.get(URL, {"kind": "secrets", "strategy": "<script>"})
    assert response.status_code == 200
    assert len(kinds_and_ids(response)) == 2


def test_an_empty_timeline_suggests_a_first_step(owner_client):
    text = owner_client.get(URL).content.decode()
    assert "?suggestion=" in text


def test_each_entry_links_to_edit_and_delete(owner_client, user):
    commitment = make_commitment(user)
    checkin = make_checkin(user)
    text = owner_client.get(URL).content.decode()
    for name, obj in [
        ("commitment_edit", commitment),
        ("commitment_delete", commitment),
        ("checkin_edit", checkin),
        ("checkin_delete", checkin),
    ]:
        assert reverse(f"journal:{name}", args=[obj.pk]) in text
    assert CheckIn.objects.count() == 1
