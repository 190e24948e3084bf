import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.security.fixtures import fill_journal

ROOT = Path(__file__).resolve().parent.parent.parent


def html_pages(owned) -> list[str]:
    return [
        reverse("home"),
        reverse("safety"),
        reverse("login"),
        reverse("signup"),
        reverse("password_reset"),
        reverse("guides:index"),
        reverse("guides:search") + "?q=listen",
        owned.progress.lesson.get_absolute_url(),
        reverse("account"),
        reverse("sessions"),
        reverse("journal:dashboard"),
        reverse("journal:timeline"),
        reverse("journal:insights"),
        reverse("journal:commitment_new"),
        reverse("journal:checkin_new"),
        reverse("sharing:list"),
        reverse("sharing:detail", args=[owned.share.pk]),
        f"/s/{owned.token}/",
        reverse("couples:home"),
        reverse("couples:invite"),
        reverse("couples:commitments"),
        reverse("couples:partner"),
        owned.joint_checkin.get_absolute_url(),
        "/no-such-page/",
    ]


@pytest.mark.django_db
def test_every_html_response_carries_the_security_headers(user, owner_client):
    owned = fill_journal(user)
    for url in html_pages(owned):
        response = owner_client.get(url, follow=True)
        assert response["Content-Type"].startswith("text/html"), url
        csp = response["Content-Security-Policy"]
        assert "default-src 'none'" in csp, url
        assert "frame-ancestors 'none'" in csp, url
        assert "unsafe-inline" not in csp, url
        assert "unsafe-eval" not in csp, url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "same-origin", url
        assert response["X-Frame-Options"] == "DENY", url
        html = response.content.decode()
        assert "<title>" in html, url
        title = html.split("<title>", 1)[1].split("</title>", 1)[0]
        assert re.fullmatch(r"[\w .-]{2,30} · Notebook", title), (url, title)
        assert "trust" not in title.lower(), url
        assert "<style" not in html, url
        assert ' style="' not in html, url


@pytest.mark.django_db
def test_private_pages_send_no_store(user, owner_client):
    owned = fill_journal(user)
    for url in html_pages(owned)[8:]:
        response = owner_client.get(url)
        assert "no-store" in response["Cache-Control"], url


def test_production_mode_adds_hsts_secure_host_cookies_and_https_redirect():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
        "s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_HTTPONLY, "
        "s.SESSION_COOKIE_SAMESITE)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == [
        "31536000",
        "True",
        "True",
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "Lax",
    ]
