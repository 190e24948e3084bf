"""The installable app: manifest, service worker, offline page, and forgetting on sign-out.

What the worker does in a browser is tested in tests/browser/test_offline_browser.py.
"""

import json
import struct
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from guides.loader import sync
from trustrepair import pwa

pytestmark = pytest.mark.django_db

STATIC = Path(settings.BASE_DIR) / "static"


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_the_manifest_names_a_neutral_standalone_app_with_png_icons():
    manifest = json.loads((STATIC / "manifest.webmanifest").read_text())
    assert manifest["name"] == manifest["short_name"] == "Notebook"
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/guides/"
    assert manifest["theme_color"]
    assert manifest["background_color"]
    pngs = {
        (icon["sizes"], icon["purpose"]): icon["src"]
        for icon in manifest["icons"]
        if icon["type"] == "image/png"
    }
    assert set(pngs) == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for (sizes, _), src in pngs.items():
        width, height = png_size(STATIC / src)
        assert f"{width}x{height}" == sizes
    for word in ("trust", "partner", "journal", "relationship"):
        assert word not in json.dumps(manifest).lower()


def test_every_page_links_the_manifest_and_the_offline_script(client):
    page = client.get(reverse("home")).content.decode()
    assert '<link rel="manifest" href="/static/manifest.webmanifest">' in page
    assert 'src="/static/js/offline.js" data-worker="/sw.js" defer' in page
    assert '<meta name="theme-color"' in page


def test_the_manifest_is_served_as_a_web_app_manifest(client):
    response = client.get("/static/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    assert finders.find("img/icon-maskable-512.png")


def test_the_service_worker_is_served_from_the_root_as_javascript(client):
    response = client.get(reverse("service_worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    script = response.content.decode()
    assert 'var OFFLINE_URL = "/offline/";' in script
    precache = json.loads(script.split("var PRECACHE = ", 1)[1].split(";", 1)[0])
    assert precache[0] == "/offline/"
    assert "/static/css/app.css" in precache
    assert all(url == "/offline/" or url.startswith("/static/") for url in precache)
    assert client.head(reverse("service_worker")).status_code == 200


def test_the_worker_keeps_only_signed_out_copies_of_reading_pages():
    script = Client().get(reverse("service_worker")).content.decode()
    # The only pages it stores are fetched without cookies...
    assert 'credentials: "omit"' in script
    assert "cache.put(url, response)" in script
    # ...refused when marked no-store or private...
    assert 'indexOf("no-store") === -1' in script
    assert 'indexOf("private") === -1' in script
    # ...and only under /guides/ (not search, not start here).
    assert 'var GUIDES_PREFIX = "/guides/";' in script
    assert "(?!search/|start/)" in script


def test_a_new_deploy_gives_the_worker_a_new_version(monkeypatch):
    before = pwa._worker_context()
    # A deploy with changed files serves them under new (hashed) addresses.
    monkeypatch.setattr(pwa, "static", lambda name: f"/static/{name.replace('.', '.2.')}")
    after = pwa._worker_context()
    assert after["version"] != before["version"]
    assert "/static/css/app.2.css" in after["precache"]


def test_the_offline_page_is_public_and_plain(client, owner_client):
    response = client.get(reverse("offline"))
    assert response.status_code == 200
    assert "You are offline" in response.content.decode()
    assert "no-store" not in response.get("Cache-Control", "")
    # Signed in, the same address is private like every other page.
    assert "no-store" in owner_client.get(reverse("offline"))["Cache-Control"]


def test_the_content_security_policy_allows_only_our_own_worker_and_manifest(client):
    csp = client.get(reverse("home"))["Content-Security-Policy"]
    assert "worker-src 'self'" in csp
    assert "manifest-src 'self'" in csp


def test_signing_out_clears_the_browsers_cache(owner_client):
    response = owner_client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache"'
    assert owner_client.get(reverse("journal:dashboard")).status_code == 302


def test_the_sign_out_form_is_marked_for_the_offline_script(owner_client):
    page = owner_client.get(reverse("guides:index")).content.decode()
    assert 'action="/accounts/logout/" class="inline-form" data-sign-out' in page


def test_a_stage_page_offers_to_save_it_for_offline(client):
    sync()
    page = client.get(reverse("guides:stage", args=["roots-of-distrust"])).content.decode()
    assert "data-save-offline hidden" in page
    assert "Save this stage for offline" in page
