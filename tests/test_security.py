import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_post_without_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    for name in ["login", "signup", "logout", "quick_exit"]:
        assert client.post(reverse(name), {}).status_code == 403, name


@pytest.mark.django_db
def test_html_responses_carry_the_security_headers(client):
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "object-src 'none'" in csp
    assert "base-uri 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "script-src 'self'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_htmx_is_served_by_the_app_and_keeps_no_history_snapshots(client):
    text = client.get(reverse("home")).content.decode()
    assert "/static/django_htmx/htmx-2.min.js" in text
    assert '"historyCacheSize": 0' in text
    assert '"allowEval": false' in text
    assert "<style" not in text
    assert " style=" not in text


def _run_manage(args: list[str], **env: str) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "HTTPS",
            "FIELD_ENCRYPTION_KEYS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_check_deploy():
    result = _run_manage(
        ["check", "--deploy", "--fail-level", "WARNING"],
        SECRET_KEY="a-long-random-production-secret-" + "x7Qz" * 12,
        FIELD_ENCRYPTION_KEYS="cHJvZHVjdGlvbi1saWtlLWZpZWxkLWtleS0wMTIzNDU=",
        ALLOWED_HOSTS="example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_missing_secret_key_without_debug_is_a_clear_startup_error():
    result = _run_manage(["check"])
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = _run_manage(
        ["shell", "--no-imports", "-c", "from django.conf import settings; print(settings.DEBUG)"],
        SECRET_KEY="s" * 50,
        FIELD_ENCRYPTION_KEYS="cHJvZHVjdGlvbi1saWtlLWZpZWxkLWtleS0wMTIzNDU=",
    )
    assert result.stdout.strip() == "False"
