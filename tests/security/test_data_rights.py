import io
import json
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from journal.scales import SCALES
from tests.helpers import PASSWORD, reauthenticated_client
from tests.security.fixtures import fill_journal
from trustrepair import data_rights
from trustrepair.models import User, UserSession

pytestmark = pytest.mark.django_db


def test_every_owned_model_has_rows_in_the_fixture(user):
    fill_journal(user)
    for model, queryset in data_rights.owned_rows(user):
        assert queryset.exists(), f"fill_journal makes no {model._meta.label} row"


def test_export_needs_a_recent_password(owner_client):
    response = owner_client.post(reverse("export_download"))
    assert response["Location"].startswith(reverse("confirm_password"))


def test_export_holds_every_row_the_person_owns_and_no_secrets(user, stranger):
    fill_journal(user)
    fill_journal(stranger, text="Stranger's words")
    response = reauthenticated_client(user).post(reverse("export_download"), {"format": "json"})
    assert response["Content-Disposition"].startswith("attachment;")
    export = json.loads(response.content)
    assert export["account"]["username"] == user.username
    assert "password" not in export["account"]
    for model, queryset in data_rights.owned_rows(user):
        label = model._meta.label_lower
        rows = export["data"][label]
        if model._meta.pk.name == "id":
            assert {row["id"] for row in rows} == set(queryset.values_list("pk", flat=True))
        else:  # keyed by a secret (a session key): present, but without the key
            assert len(rows) == queryset.count(), label
    text = response.content.decode()
    assert "Owner's words" in text
    assert "Stranger's words" not in text
    for secret in ("token_hash", "session_key", '"key"', '"token"', "argon2"):
        assert secret not in text, secret


def test_export_zip_has_the_json_and_a_csv_per_kind(user):
    fill_journal(user)
    response = reauthenticated_client(user).post(reverse("export_download"))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert "export.json" in names
    assert {"account.csv", "journal.commitment.csv", "journal.checkin.csv"} <= names
    assert "sharing.share.csv" in names
    assert "Owner's words" in archive.read("journal.checkin.csv").decode()


def test_delete_needs_the_password_and_the_word(user, owner_client):
    response = owner_client.post(
        reverse("delete_account"), {"password": "wrong-one-here", "confirm": "delete"}
    )
    assert "not right" in response.content.decode()
    response = owner_client.post(
        reverse("delete_account"), {"password": PASSWORD, "confirm": "maybe"}
    )
    assert "type the word" in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()


def test_delete_removes_every_owned_row_ends_sessions_and_kills_shares(user, stranger):
    owned = fill_journal(user)
    fill_journal(stranger)
    # Two signed-in devices (two-step sign-in is on in the fixture, so no password login).
    laptop, client = Client(), Client()
    laptop.force_login(user)
    client.force_login(user)
    response = client.post(reverse("delete_account"), {"password": PASSWORD, "confirm": "delete"})
    assert response["Location"] == reverse("home")
    assert not User.objects.filter(pk=user.pk).exists()
    for model, path in data_rights.owned_models():
        leftover = model._default_manager.filter(**{f"{path}__username": user.username})
        assert not leftover.exists(), model._meta.label
    assert not UserSession.objects.filter(user_id=user.pk).exists()
    assert laptop.get(reverse("journal:dashboard")).status_code == 302
    assert Client().get(f"/s/{owned.token}/").status_code == 404
    # The other person's data is untouched.
    for _model, queryset in data_rights.owned_rows(stranger):
        assert queryset.exists()


def test_the_export_says_what_each_rating_scale_runs_from_and_to(user):
    fill_journal(user)

    scales = data_rights.export_data(user)["rating_scales"]

    for scale in SCALES:
        assert scales[f"journal.checkin.{scale.field}"] == [scale.low, scale.high]
