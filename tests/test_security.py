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
    text = client.get(reverse("guides:index")).content.decode()
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


PRODUCTION = {
    "SECRET_KEY": "s" * 50,
    "FIELD_ENCRYPTION_KEYS": "cHJvZHVjdGlvbi1saWtlLWZpZWxkLWtleS0wMTIzNDU=",
}


def _setting(name: str, **env: str) -> subprocess.CompletedProcess:
    code = f"from django.conf import settings; print(settings.{name})"
    return _run_manage(["shell", "--no-imports", "-c", code], **PRODUCTION, **env)


@pytest.mark.parametrize("typo", ["ture", "flase", "2", "enabled"])
def test_a_mistyped_yes_no_variable_stops_startup_instead_of_meaning_off(typo):
    result = _setting("HTTPS", HTTPS=typo)

    assert result.returncode != 0
    assert f"HTTPS='{typo}' is not a yes/no value" in result.stderr


@pytest.mark.parametrize(("value", "expected"), [("0", "False"), ("off", "False"), ("YES", "True")])
def test_every_spelling_of_yes_and_no_is_understood(value, expected):
    assert _setting("HTTPS", HTTPS=value).stdout.strip() == expected


def test_a_number_variable_that_is_not_a_number_stops_startup():
    result = _setting("AXES_FAILURE_LIMIT", AXES_FAILURE_LIMIT="five")

    assert result.returncode != 0
    assert "AXES_FAILURE_LIMIT='five' is not a whole number" in result.stderr


def test_cache_url_names_the_shared_redis_cache():
    result = _setting(
        "CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION']",
        CACHE_URL="redis://127.0.0.1:6379/3",
    )

    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/3",
    ]


def test_without_cache_url_the_cache_is_local_memory_and_an_unknown_scheme_stops_startup():
    assert "LocMemCache" in _setting("CACHES['default']['BACKEND']").stdout
    result = _setting("CACHES", CACHE_URL="memcached://127.0.0.1:11211")
    assert result.returncode != 0
    assert "CACHE_URL=" in result.stderr
