"""Every couple URL, probed as its owner, the partner, strangers and signed out.

Each request runs in a transaction that is rolled back, so every probe meets the same
world: robin and sasha linked, with a joint check-in robin has answered, a kept
commitment robin shows, and an invitation robin made; kim linked to nobody; lee and
max, another couple.
"""

from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, reverse

from journal.couples import linking
from journal.couples import urls as couples_urls
from journal.couples.models import VisibleCommitment
from journal.couples.tests.helpers import answer_data, answered, ask, kept, link, with_password
from tests.helpers import HTMX, make_user

pytestmark = pytest.mark.django_db

OWNERS_WORDS = "Robin's own words"
ROLES = ("owner", "partner", "stranger", "other_couple", "anonymous")
PROBES = ("get", "post", "htmx_get", "htmx_post")


@dataclass
class World:
    checkin: int
    commitment: int
    invitation: int


def build_world() -> tuple[World, dict[str, Client]]:
    robin, sasha = make_user("robin"), make_user("sasha")
    kim, lee, max_ = make_user("kim"), make_user("lee"), make_user("max")
    link(robin, sasha)
    link(lee, max_)
    checkin = ask(robin, sasha)
    answered(robin, checkin, working=OWNERS_WORDS)
    commitment = kept(robin, text=OWNERS_WORDS)
    VisibleCommitment.objects.create(commitment=commitment)
    invitation, _code = linking.create_invitation(robin)
    clients = {
        "owner": with_password(robin),
        "partner": with_password(sasha),
        "stranger": with_password(kim),
        "other_couple": with_password(lee),
        "anonymous": Client(),
    }
    return World(checkin.pk, commitment.pk, invitation.pk), clients


# Statuses for get, post, htmx get, htmx post. Signed-out visitors always go to sign-in.
PAGE = (200, 405, 200, 405)
ACTION = (405, 302, 405, 302)
SWAP = (405, 302, 405, 200)  # an action whose htmx answer is a part of the page
NOT_FOUND = (404, 404, 404, 404)
FORM = (200, 200, 200, 200)

EXPECTED: dict[str, dict[str, tuple[int, int, int, int]]] = {
    "home": dict.fromkeys(("owner", "partner", "stranger", "other_couple"), PAGE),
    "invite": dict.fromkeys(("owner", "partner", "stranger", "other_couple"), PAGE),
    "invite_new": dict.fromkeys(("owner", "partner", "stranger", "other_couple"), ACTION),
    "invite_revoke": {
        "owner": ACTION,
        "partner": NOT_FOUND,
        "stranger": NOT_FOUND,
        "other_couple": NOT_FOUND,
    },
    "join": dict.fromkeys(("owner", "partner", "stranger", "other_couple"), FORM),
    "join_code": dict.fromkeys(("owner", "partner", "stranger", "other_couple"), NOT_FOUND),
    "unlink": {
        "owner": (200, 302, 200, 302),
        "partner": (200, 302, 200, 302),
        "stranger": NOT_FOUND,
        "other_couple": (200, 302, 200, 302),
    },
    "checkins": {
        "owner": PAGE,
        "partner": PAGE,
        "stranger": NOT_FOUND,
        "other_couple": PAGE,
    },
    "ask": {"owner": ACTION, "partner": ACTION, "stranger": NOT_FOUND, "other_couple": ACTION},
    "checkin": {
        "owner": PAGE,
        "partner": PAGE,
        "stranger": NOT_FOUND,
        "other_couple": NOT_FOUND,
    },
    # A GET of the answer form comes back after signing in with kept words: the owner,
    # who already answered, is sent to the check-in; the partner gets the form.
    "answer": {
        "owner": (302, 302, 302, 302),
        "partner": (200, 302, 200, 302),
        "stranger": NOT_FOUND,
        "other_couple": NOT_FOUND,
    },
    "reveal": {"owner": SWAP, "partner": SWAP, "stranger": NOT_FOUND, "other_couple": NOT_FOUND},
    "commitments": {
        "owner": PAGE,
        "partner": PAGE,
        "stranger": NOT_FOUND,
        "other_couple": PAGE,
    },
    "commitment_show": {
        "owner": SWAP,
        "partner": NOT_FOUND,
        "stranger": NOT_FOUND,
        "other_couple": NOT_FOUND,
    },
    "commitment_hide": {
        "owner": SWAP,
        "partner": NOT_FOUND,
        "stranger": NOT_FOUND,
        "other_couple": NOT_FOUND,
    },
    "preview": {"owner": PAGE, "partner": PAGE, "stranger": NOT_FOUND, "other_couple": PAGE},
    "partner": {"owner": PAGE, "partner": PAGE, "stranger": NOT_FOUND, "other_couple": PAGE},
    # "I noticed" is the partner's answer to the owner's commitment.
    "noticed": {
        "owner": NOT_FOUND,
        "partner": SWAP,
        "stranger": NOT_FOUND,
        "other_couple": NOT_FOUND,
    },
}


def url_for(name: str, world: World) -> str:
    if name in {"checkin", "answer", "reveal"}:
        return reverse(f"couples:{name}", args=[world.checkin])
    if name in {"commitment_show", "commitment_hide", "noticed"}:
        return reverse(f"couples:{name}", args=[world.commitment])
    if name == "invite_revoke":
        return reverse(f"couples:{name}", args=[world.invitation])
    if name == "join_code":
        return reverse(f"couples:{name}", args=[linking.new_code()])
    return reverse(f"couples:{name}")


def probe(client: Client, how: str, url: str) -> tuple[int, str]:
    """One request, rolled back afterwards, so the next probe meets the same world."""
    headers = HTMX if how.startswith("htmx") else {}
    with transaction.atomic():
        if how.endswith("post"):
            data = {**answer_data(), "code": "not-a-code", "next": "/together/"}
            response = client.post(url, data, **headers)
        else:
            response = client.get(url, **headers)
        transaction.set_rollback(True)
    return response.status_code, response.content.decode()


def test_every_couple_url_is_in_the_table():
    names = {p.name for p in couples_urls.urlpatterns if isinstance(p, URLPattern)}
    assert names == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_person_gets_what_is_theirs_and_strangers_get_404(name):
    world, clients = build_world()
    url = url_for(name, world)
    failures = []
    for role in ROLES:
        for how, expected in zip(PROBES, EXPECTED[name].get(role, (302,) * 4), strict=True):
            if role == "anonymous":
                # Sent to sign in; from a form that keeps typed words, htmx by HX-Redirect.
                expected = 200 if name == "answer" and how.startswith("htmx") else 302
            status, text = probe(clients[role], how, url)
            if status != expected:
                failures.append(f"{role} {how} {url}: {status}, expected {expected}")
            if status == 404 and "Robin&#x27;s own words" in text:
                failures.append(f"{role} {how} {url}: the 404 shows the owner's words")
    assert not failures


def test_signed_out_visitors_are_sent_to_sign_in_and_see_nothing():
    world, clients = build_world()
    for name in EXPECTED:
        response = clients["anonymous"].get(url_for(name, world))
        assert response["Location"].startswith(reverse("login")), name
        assert response.content == b""
