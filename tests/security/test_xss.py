"""Hostile text in every free-text field comes back escaped on every page that shows it."""

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.helpers import HTMX, PASSWORD
from tests.security.fixtures import fill_journal

HOSTILE = (
    '<script>alert("x1")</script>'
    '"><img src=x onerror=alert(2)>'
    "<svg/onload=alert(3)>"
    "javascript:alert(4)"
    '<a href="jav&#x09;ascript:alert(5)">a</a>'
    "\u202e<iframe src=//evil>"
    "{{ 7*7 }}"
)
# What must never appear raw in a page: each would run or load something.
DANGEROUS = [
    "<script>alert",
    "<img src=x",
    "<svg/onload",
    "<iframe",
    '<a href="jav',
    'href="javascript:',
]


def owner_pages(owned) -> list[tuple[str, dict]]:
    return [
        (reverse("journal:dashboard"), {}),
        (reverse("journal:timeline"), {}),
        (reverse("journal:insights"), {}),
        (reverse("journal:commitment_edit", args=[owned.commitment.pk]), {}),
        (reverse("journal:commitment_status", args=[owned.commitment.pk]), {}),
        (reverse("journal:checkin_detail", args=[owned.checkin.pk]), {}),
        (reverse("journal:checkin_edit", args=[owned.checkin.pk]), {}),
        (reverse("journal:reflection_edit", args=[owned.reflection.pk]), {}),
        (reverse("sharing:list"), {}),
        (reverse("sharing:detail", args=[owned.share.pk]), {}),
        (reverse("journal:dashboard"), HTMX),
        (reverse("journal:timeline"), HTMX),
    ]


def assert_escaped(html: str, where: str) -> None:
    for needle in DANGEROUS:
        assert needle not in html, f"{needle!r} raw in {where}"


@pytest.fixture
def hostile(db, user):
    return fill_journal(user, text=HOSTILE)


def test_owner_pages_and_partials_escape_hostile_text(hostile, owner_client):
    for url, headers in owner_pages(hostile):
        response = owner_client.get(url, **headers)
        assert response.status_code == 200, url
        assert_escaped(response.content.decode(), url)
    detail = owner_client.get(reverse("sharing:detail", args=[hostile.share.pk]))
    assert "&lt;script&gt;alert(&quot;x1&quot;)&lt;/script&gt;" in detail.content.decode()


def test_the_lesson_page_escapes_a_hostile_reflection(hostile, owner_client):
    lesson = hostile.reflection.lesson
    response = owner_client.get(lesson.get_absolute_url())
    assert response.status_code == 200
    assert_escaped(response.content.decode(), "lesson page")


def test_the_partner_page_escapes_hostile_text_and_reply(hostile):
    html = Client().get(f"/s/{hostile.token}/").content.decode()
    assert "&lt;svg/onload=alert(3)&gt;" in html
    assert_escaped(html, "partner page")


def test_couple_pages_escape_hostile_text_for_the_owner_and_the_partner(hostile, user):
    owner, partner = Client(), Client()
    owner.force_login(user)
    partner.force_login(hostile.partner)
    checkin = hostile.joint_checkin.get_absolute_url()
    pages = [
        (owner, reverse("couples:commitments"), {}),
        (owner, reverse("couples:preview"), {}),
        (owner, checkin, {}),
        (owner, checkin, HTMX),
        (partner, reverse("couples:partner"), {}),
        (partner, checkin, {}),
        (partner, checkin, HTMX),
    ]
    for client, url, headers in pages:
        html = client.get(url, **headers).content.decode()
        assert "&lt;svg/onload=alert(3)&gt;" in html, url
        assert_escaped(html, url)


def test_the_share_preview_escapes_a_hostile_message(hostile, user):
    client = Client()
    client.force_login(user)
    client.post(reverse("confirm_password"), {"password": PASSWORD})
    form = {
        "period": "2w",
        "include_ratings": "on",
        "include_consistency": "on",
        "reflections": [hostile.checkin.pk],
        "message": HOSTILE,
        "expiry_days": "7",
        "action": "preview",
    }
    for headers in ({}, HTMX):
        html = client.post(reverse("sharing:new"), form, **headers).content.decode()
        assert_escaped(html, "preview")


def test_a_hostile_check_in_typed_into_the_form_is_escaped_when_redisplayed(owner_client):
    too_long = HOSTILE * 400
    response = owner_client.post(
        reverse("journal:checkin_new"),
        {
            "date": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
            "trust": "99",
            "communication": "3",
            "connection": "4",
            "working": too_long,
        },
    )
    assert response.status_code == 200
    assert_escaped(response.content.decode(), "re-displayed check-in form")


def test_the_export_is_a_download_not_a_page(hostile, user):
    client = Client()
    client.force_login(user)
    client.post(reverse("confirm_password"), {"password": PASSWORD})
    response = client.post(reverse("export_download"), {"format": "json"})
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert HOSTILE in json.loads(response.content)["data"]["journal.checkin"][0]["working"]
