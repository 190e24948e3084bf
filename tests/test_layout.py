"""The shared layout (base.html): its links, reversed once per process, and its scripts."""

import re

import pytest
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def links(html: str) -> set[str]:
    return set(re.findall(r'(?:href|action|data-exit|data-worker|data-stay-url)="([^"]+)"', html))


def test_a_signed_out_page_links_where_it_always_did(client: Client):
    found = links(client.get(reverse("home")).content.decode())

    for name in ("home", "guides:index", "login", "signup", "safety", "quick_exit"):
        assert reverse(name) in found, name
    assert reverse("service_worker") in found
    assert reverse("journal:dashboard") not in found


def test_a_signed_in_page_links_to_the_journal_account_and_sign_out(owner_client: Client):
    found = links(owner_client.get(reverse("offline")).content.decode())

    for name in ("journal:dashboard", "account", "logout", "stay_signed_in", "safety"):
        assert reverse(name) in found, name
    assert reverse("login") not in found


def test_the_current_section_is_marked(owner_client: Client):
    html = owner_client.get(reverse("guides:index")).content.decode()

    assert f'<a href="{reverse("guides:index")}" aria-current="page">Lessons</a>' in html


def test_every_page_references_the_assets_by_their_static_addresses(client: Client):
    html = client.get(reverse("guides:index")).content.decode()

    for path in (
        "img/icon.svg",
        "manifest.webmanifest",
        "img/apple-touch-icon.png",
        "css/app.css",
        "js/app.js",
        "js/offline.js",
        "django_htmx/htmx-2.min.js",
    ):
        assert f'"{static(path)}"' in html, path
