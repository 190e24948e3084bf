"""Smaller hardening of issue 11: findings 11, 12 and 18."""

import csv
import datetime
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from journal.models import Commitment
from journal.sharing import links
from tests.helpers import PASSWORD, make_user, reauthenticated_client
from tests.security.fixtures import fill_journal
from trustrepair.data_rights import FORMULA_STARTS

ROOT = Path(__file__).resolve().parent.parent.parent
FORMULAS = ['=HYPERLINK("http://evil.example")', "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"]


# 11. CSV cells a spreadsheet would run are neutralised, a partner's reply included.


def csv_cells(archive: zipfile.ZipFile) -> dict[str, list[str]]:
    cells = {}
    for name in archive.namelist():
        if name.endswith(".csv"):
            rows = csv.reader(io.StringIO(archive.read(name).decode()))
            cells[name] = [cell for row in rows for cell in row]
    return cells


@pytest.mark.django_db
def test_csv_export_neutralises_formula_cells_partner_replies_included(user):
    owned = fill_journal(user, text=FORMULAS[0])
    for text in FORMULAS[1:]:
        Commitment.objects.create(user=user, text=text, strategy="reliability")
    owned.share.reply, owned.share.replied_at = "", None
    owned.share.save()
    links.add_reply(owned.share, "=cmd|' /C calc'!A0")
    response = reauthenticated_client(user).post(reverse("export_download"), {"format": "zip"})
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    cells = csv_cells(archive)
    for name, values in cells.items():
        for cell in values:
            number = re.fullmatch(r"-?\d+(\.\d+)?", cell)
            assert number or not cell.startswith(FORMULA_STARTS), (name, cell)
    assert "'=cmd|' /C calc'!A0" in cells["sharing.share.csv"]
    for text in FORMULAS:
        assert "'" + text in cells["journal.commitment.csv"]
    # The JSON is not a spreadsheet: it keeps the words exactly as written.
    exported = json.loads(archive.read("export.json"))
    assert exported["data"]["sharing.share"][0]["reply"] == "=cmd|' /C calc'!A0"


# 12. The export download is a POST with a CSRF token.


@pytest.mark.django_db
def test_another_site_cannot_make_the_browser_download_the_export(user):
    client = reauthenticated_client(user)
    assert client.get(reverse("export_download"), {"format": "json"}).status_code == 405
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(user)
    session = forged.session
    session.update(client.session.items())
    session.save()
    response = forged.post(reverse("export_download"), {"format": "json"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_the_export_page_offers_buttons_that_post(user):
    text = reauthenticated_client(user).get(reverse("export")).content.decode()
    assert f'<form method="post" action="{reverse("export_download")}"' in text
    assert 'name="csrfmiddlewaretoken"' in text
    assert 'name="format" value="zip"' in text
    assert 'name="format" value="json"' in text
    assert f'href="{reverse("export_download")}' not in text


@pytest.mark.django_db
def test_an_export_whose_password_check_lapsed_comes_back_to_the_export_page(owner_client):
    response = owner_client.post(
        reverse("export_download"),
        {"format": "zip"},
        HTTP_REFERER="http://testserver/accounts/export/",
    )
    assert response["Location"] == reverse("confirm_password") + "?next=%2Faccounts%2Fexport%2F"


# 18. Permissions-Policy, HSTS preload opt-in, access records, HEAD.


@pytest.mark.django_db
def test_every_response_turns_off_camera_microphone_geolocation_and_the_rest(user):
    owned = fill_journal(user)
    lesson = owned.progress.lesson.get_absolute_url()
    anonymous, owner = Client(), reauthenticated_client(user)
    responses = [anonymous.get(lesson), anonymous.get(lesson)]  # the second from the cache
    responses += [anonymous.get(url) for url in ("/", "/no-such-page/", "/static/css/app.css")]
    responses += [owner.get(url) for url in ("/journal/", "/accounts/", f"/s/{owned.token}/")]
    for response in responses:
        policy = response["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in policy, (response.request["PATH_INFO"], feature)


def manage(args: list[str], **env: str) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "HTTPS", "SECURE_HSTS_PRELOAD", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    production = {
        "SECRET_KEY": "a-long-random-production-secret-" + "x7Qz" * 12,
        "FIELD_ENCRYPTION_KEYS": "cHJvZHVjdGlvbi1saWtlLWZpZWxkLWtleS0wMTIzNDU=",
        "ALLOWED_HOSTS": "example.org",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **production, **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("preload", ["", "1"], ids=["default", "opted-in"])
def test_hsts_preload_is_opt_in_and_check_deploy_stays_clean(preload):
    show = "from django.conf import settings as s; print(s.SECURE_HSTS_PRELOAD)"
    shown = manage(["shell", "--no-imports", "-c", show], SECURE_HSTS_PRELOAD=preload)
    assert shown.stdout.strip() == ("True" if preload else "False")
    check = manage(["check", "--deploy", "--fail-level", "WARNING"], SECURE_HSTS_PRELOAD=preload)
    assert check.returncode == 0, check.stdout + check.stderr


def access_rows(username: str, when: datetime.datetime) -> None:
    common = {"username": username, "ip_address": "198.51.100.4", "user_agent": "UA"}
    for row in (
        AccessLog.objects.create(**common, session_hash="hash-of-a-session"),
        AccessFailureLog.objects.create(**common),
        AccessAttempt.objects.create(**common, failures_since_start=1, post_data="", get_data=""),
    ):
        type(row).objects.filter(pk=row.pk).update(attempt_time=when)


@pytest.mark.django_db
def test_access_records_older_than_thirty_days_are_purged(settings):
    assert settings.ACCESS_RECORD_DAYS == 30
    access_rows("old", timezone.now() - datetime.timedelta(days=31))
    access_rows("new", timezone.now() - datetime.timedelta(days=29))
    call_command("purge_access_records", verbosity=0)
    for model in (AccessLog, AccessFailureLog, AccessAttempt):
        assert not model.objects.filter(username="old").exists(), model
        assert model.objects.filter(username="new").exists(), model


@pytest.mark.django_db
def test_the_export_holds_the_persons_own_access_records_and_no_one_elses():
    make_user("sky")
    make_user("lee")
    client = Client()
    client.post(reverse("login"), {"username": "sky", "password": "wrong-password-1"})
    client.post(reverse("login"), {"username": "sky", "password": PASSWORD})
    access_rows("lee", timezone.now())
    client.post(reverse("confirm_password"), {"password": PASSWORD})
    data = json.loads(client.post(reverse("export_download"), {"format": "json"}).content)["data"]
    assert len(data["axes.accesslog"]) == 1
    assert len(data["axes.accessattempt"]) == 1
    assert data["axes.accesslog"][0]["ip_address"] == "127.0.0.1"
    assert "hash-of-a-session" not in json.dumps(data)
    assert "session_hash" not in data["axes.accesslog"][0]


def page_urls(owned) -> list[str]:
    """Every URL pattern outside the admin, filled in with the owner's own objects."""
    lesson = owned.progress.lesson
    args = {
        "commitment": [owned.commitment.pk],
        "checkin": [owned.checkin.pk],
        "reflection": [owned.reflection.pk],
        "share": [owned.share.pk],
    }
    urls = []

    def walk(entries: list, namespace: str = "") -> None:
        for entry in entries:
            if isinstance(entry, URLResolver):
                if entry.namespace != "admin":
                    walk(
                        entry.url_patterns,
                        f"{namespace}{entry.namespace}:" if entry.namespace else namespace,
                    )
                continue
            name = f"{namespace}{entry.name}"
            if not isinstance(entry, URLPattern) or entry.name is None:
                continue
            if not entry.pattern.converters:
                urls.append(reverse(name))
            elif name == "sharing:public":
                urls.append(reverse(name, args=[owned.token]))
            elif name.startswith("sharing:"):
                urls.append(reverse(name, args=[owned.share.pk]))
            elif name == "couples:join_code":
                urls.append(reverse(name, args=["not-a-code"]))
            elif name in {"couples:checkin", "couples:answer", "couples:reveal"}:
                urls.append(reverse(name, args=[owned.joint_checkin.pk]))
            elif name == "couples:invite_revoke":
                urls.append(reverse(name, args=[owned.invitation.pk]))
            elif name in {"couples:commitment_show", "couples:commitment_hide", "couples:noticed"}:
                urls.append(reverse(name, args=[owned.kept.pk]))
            elif name == "password_reset_confirm":
                urls.append(reverse(name, args=["MQ", "set-password"]))
            elif name in {"guides:stage"}:
                urls.append(reverse(name, args=[lesson.stage.slug]))
            elif name in {"guides:lesson", "guides:complete", "guides:incomplete"}:
                urls.append(reverse(name, args=[lesson.stage.slug, lesson.slug]))
            elif name == "journal:reflection_save":
                urls.append(reverse(name, args=[lesson.slug]))
            elif name == "guides:start_step":
                urls.append(reverse(name, args=["situation"]))
            elif name == "reminders:remove_device":
                urls.append(reverse(name, args=[owned.device.pk]))
            elif name.split(":")[-1].split("_")[0] in args:
                urls.append(reverse(name, args=args[name.split(":")[-1].split("_")[0]]))
            else:
                raise AssertionError(f"no arguments known for {name}")

    walk(get_resolver().url_patterns)
    return urls


@pytest.mark.django_db
def test_head_answers_like_get_on_every_page_a_person_reaches(user):
    owned = fill_journal(user)
    failures = []
    for signed_in in (False, True):
        client = reauthenticated_client(user) if signed_in else Client()
        for url in page_urls(owned):
            got = client.get(url)
            if got.status_code == 405:
                continue  # an action (POST only)
            head = client.head(url)
            if head.status_code != got.status_code or head.content:
                failures.append(f"{url}: GET {got.status_code}, HEAD {head.status_code}")
    assert not failures


@pytest.mark.django_db
def test_head_on_the_revoke_page_does_not_revoke(user):
    owned = fill_journal(user)
    client = reauthenticated_client(user)
    assert client.head(reverse("sharing:revoke", args=[owned.share.pk])).status_code == 200
    owned.share.refresh_from_db()
    assert owned.share.revoked_at is None
