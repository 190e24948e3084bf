"""Walks every URL pattern that takes an object id or token and probes it as a stranger."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from journal.couples import linking
from journal.couples.models import Invitation
from journal.sharing import links
from tests.helpers import HTMX
from tests.security.fixtures import fill_journal

# Patterns with arguments that are not private objects, and why.
EXEMPT = {
    "guides:stage": "public lesson content, addressed by slug",
    "guides:lesson": "public lesson content, addressed by slug",
    "guides:complete": "a public lesson's slug; only ever writes the signed-in person's progress",
    "guides:incomplete": "a public lesson's slug; only ever writes the signed-in person's progress",
    "journal:reflection_save": "a public lesson's slug; only ever writes the person's own answer",
    "password_reset_confirm": "Django's signed reset token; a wrong one shows 'link expired'",
    "guides:start_step": "a start-here question's name; only ever writes the person's own answers",
}


def walk(resolvers: list, prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    found = []
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # staff only: everyone else is sent to the admin login
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.pattern.converters:
            found.append((f"{namespace}{entry.name}", prefix + str(entry.pattern)))
    return found


PATTERNS = walk(get_resolver().url_patterns)


def probes(owned) -> dict[str, list[str]]:
    """For each probed pattern: URLs of the owner's objects (and of dead/guessed tokens)."""
    by_kind = {
        "commitment": owned.commitment.pk,
        "checkin": owned.checkin.pk,
        "reflection": owned.reflection.pk,
        "share": owned.share.pk,
    }
    urls = {}
    for name, _pattern in PATTERNS:
        if name in EXEMPT:
            continue
        if name == "sharing:public":
            urls[name] = [reverse(name, args=[links.new_token()]), "/s/not-a-token/"]
        elif name.startswith("sharing:"):
            urls[name] = [reverse(name, args=[owned.share.pk])]
        elif name == "couples:join_code":
            # The code is the key: guessed, used-up and malformed codes are all the same 404.
            urls[name] = [reverse(name, args=[linking.new_code()]), "/together/join/not-a-code/"]
        elif name in {"couples:checkin", "couples:answer", "couples:reveal"}:
            urls[name] = [reverse(name, args=[owned.joint_checkin.pk])]
        elif name == "couples:invite_revoke":
            urls[name] = [reverse(name, args=[owned.invitation.pk])]
        elif name in {"couples:commitment_show", "couples:commitment_hide", "couples:noticed"}:
            # Shown to the owner's partner, so the one a partner could notice.
            urls[name] = [reverse(name, args=[owned.kept.pk])]
        elif name == "reminders:remove_device":
            urls[name] = [reverse(name, args=[owned.device.pk])]
        elif name.startswith("journal:") and name.split(":")[1].split("_")[0] in by_kind:
            pk = by_kind[name.split(":")[1].split("_")[0]]
            urls[name] = [reverse(name, args=[pk])]
    return urls


def test_every_pattern_with_an_argument_is_probed_or_exempt_with_a_reason(db, user):
    owned = fill_journal(user)
    covered = probes(owned)
    unprobed = [name for name, _ in PATTERNS if name not in covered and name not in EXEMPT]
    assert not unprobed, f"URL patterns nobody probes: {unprobed}"
    assert len(covered) >= 18


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_stranger_gets_404_everywhere(user, stranger_client, method, htmx):
    owned = fill_journal(user)
    headers = HTMX if htmx else {}
    data = {"status": "kept", "text": "overwritten", "reply": "overwritten", "action": "reply"}
    failures = []
    for name, urls in probes(owned).items():
        for url in urls:
            call = getattr(stranger_client, method)
            response = call(url, data, **headers) if method == "post" else call(url, **headers)
            if response.status_code != 404:
                failures.append(f"{method.upper()} {name} {url} -> {response.status_code}")
    assert not failures
    owned.share.refresh_from_db()
    owned.commitment.refresh_from_db()
    assert owned.share.revoked_at is None
    assert owned.commitment.text == "Owner's words"
    assert Invitation.objects.filter(pk=owned.invitation.pk).exists()
    assert not owned.joint_checkin.answers.filter(revealed=True).exists()


@pytest.mark.django_db
def test_signed_out_visitors_never_reach_a_private_object(user):
    owned = fill_journal(user)
    anonymous = Client()
    for name, urls in probes(owned).items():
        for url in urls:
            response = anonymous.get(url)
            assert response.status_code in {302, 404}, name
            assert "Owner&#x27;s words" not in response.content.decode()
