"""Two-step sign-in against someone who knows the password (issue 11, findings 1, 2, 5, 7, 14)."""

import datetime

import pytest
from cryptography.fernet import Fernet
from django.contrib import admin
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.helpers import (
    PASSWORD,
    current_code,
    end_the_pause,
    make_user,
    reauthenticated_client,
    user_with_two_factor,
)
from trustrepair import twofactor
from trustrepair.models import (
    AuthenticatorDevice,
    RecoveryCode,
    RecoveryCodeDevice,
    WrongCodeNotice,
)

pytestmark = pytest.mark.django_db


def password_step(client: Client, username: str = "sky"):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def code_step(client: Client, code: str, **extra):
    return client.post(reverse("login_verify"), {"code": code, **extra})


def raw_column(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM {connection.ops.quote_name(table)}"  # noqa: S608
        )
        return [str(row[0]) for row in cursor.fetchall()]


# 1. The admin is no way around the second step.


def test_admin_login_requires_second_step():
    _, device, _ = user_with_two_factor("sky", is_staff=True, is_superuser=True)
    client = Client()
    # The admin's own login form is gone: it sends people to the site's sign-in.
    page = client.get("/admin/login/?next=/admin/")
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("login"))
    # The password posted to the admin's login signs nobody in.
    client.post("/admin/login/", {"username": "sky", "password": PASSWORD, "next": "/admin/"})
    assert client.get("/admin/").status_code == 302
    assert client.get(reverse("journal:dashboard")).status_code == 302
    # The password at the site's sign-in is not enough either.
    password_step(client)
    assert client.get("/admin/").status_code == 302
    # The code is.
    code_step(client, current_code(device))
    assert client.get("/admin/").status_code == 200


def test_a_staff_session_that_skipped_the_second_step_cannot_open_the_admin():
    user, _, _ = user_with_two_factor("sky", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)  # a session from before two-step sign-in was on
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403


def test_staff_without_two_step_reach_the_admin_through_the_site_sign_in():
    make_user("sky", is_staff=True, is_superuser=True)
    client = Client()
    password_step(client)
    assert client.get("/admin/").status_code == 200


def test_admin_never_shows_totp_keys_or_recovery_codes():
    _, device, _ = user_with_two_factor("boss", is_staff=True, is_superuser=True)
    owner, owner_device, codes = user_with_two_factor("sky")
    secrets = [owner_device.key, twofactor.manual_key(owner_device).replace(" ", ""), *codes]
    secrets += [code.code_hash for code in RecoveryCode.objects.filter(device__user=owner)]
    hidden = {
        AuthenticatorDevice,
        RecoveryCodeDevice,
        RecoveryCode,
        TOTPDevice,
        StaticDevice,
        StaticToken,
    }
    assert not hidden & set(admin.site._registry), "a second-step model is in the admin"
    client = Client()
    password_step(client, "boss")
    code_step(client, current_code(device))
    pages = ["/admin/", f"/admin/trustrepair/user/{owner.pk}/change/"]
    pages += [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        for secret in secrets:
            assert secret not in text, url
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404


# 2. An abandoned setup keeps no secret.


def test_abandoned_setup_secret_never_verifies(user):
    # Someone with the password opens the setup page and copies the key...
    partner = reauthenticated_client(user)
    partner.get(reverse("two_factor_setup"))
    copied = AuthenticatorDevice.objects.get(user=user, confirmed=False).bin_key
    # ...later the owner turns two-step sign-in on.
    owner = reauthenticated_client(user)
    owner.get(reverse("two_factor_setup"))
    device = AuthenticatorDevice.objects.get(user=user, confirmed=False)
    assert device.bin_key != copied
    owner.post(reverse("two_factor_setup"), {"code": current_code(device)})
    assert twofactor.has_two_factor(user)
    # The copied key proves nothing.
    guesser = Client()
    password_step(guesser, user.username)
    code_step(guesser, f"{totp(copied):06d}")
    assert guesser.get(reverse("journal:dashboard")).status_code == 302


def test_each_visit_to_setup_makes_a_new_key(user):
    client = reauthenticated_client(user)
    first = client.get(reverse("two_factor_setup")).context["manual_key"]
    second = client.get(reverse("two_factor_setup")).context["manual_key"]
    assert first != second
    assert AuthenticatorDevice.objects.filter(user=user).count() == 1


def test_an_unconfirmed_device_never_verifies_a_code(user):
    device = AuthenticatorDevice.objects.create(user=user, name="app", confirmed=False)
    assert not device.verify_token(current_code(device))
    assert twofactor.verify_code(user, current_code(device)) is None


def test_setup_confirms_only_the_key_this_session_was_shown(user):
    owner = reauthenticated_client(user)
    owner.get(reverse("two_factor_setup"))
    shown_to_owner = AuthenticatorDevice.objects.get(user=user, confirmed=False)
    # Meanwhile someone else opens setup and scans their own key.
    reauthenticated_client(user).get(reverse("two_factor_setup"))
    theirs = AuthenticatorDevice.objects.get(user=user, confirmed=False)
    response = owner.post(reverse("two_factor_setup"), {"code": current_code(shown_to_owner)})
    assert "new key" in response.content.decode()
    assert not twofactor.has_two_factor(user)
    assert not AuthenticatorDevice.objects.filter(pk=theirs.pk).exists()


# 14. Turning two-step on ends the other sessions (the partner's too), by default.


def test_turning_two_step_on_signs_out_every_other_session_by_default(user):
    partner = Client()
    partner.force_login(user)
    owner = reauthenticated_client(user)
    page = owner.get(reverse("two_factor_setup")).content.decode()
    assert 'name="end_other_sessions"' in page
    assert page.split('name="end_other_sessions"', 1)[1].split(">", 1)[0].count("checked")
    device = AuthenticatorDevice.objects.get(user=user, confirmed=False)
    response = owner.post(
        reverse("two_factor_setup"), {"code": current_code(device), "end_other_sessions": "on"}
    )
    assert "signed out everywhere else (1 other session)" in response.content.decode()
    assert partner.get(reverse("journal:dashboard")).status_code == 302
    assert owner.get(reverse("journal:dashboard")).status_code == 200


def test_the_owner_may_keep_other_sessions_by_unticking_the_box(user):
    laptop = Client()
    laptop.force_login(user)
    owner = reauthenticated_client(user)
    owner.get(reverse("two_factor_setup"))
    device = AuthenticatorDevice.objects.get(user=user, confirmed=False)
    owner.post(reverse("two_factor_setup"), {"code": current_code(device)})
    assert twofactor.has_two_factor(user)
    assert laptop.get(reverse("journal:dashboard")).status_code == 200


# 5. Wrong codes: say plainly that sign-in is paused, and tell the owner.


def test_a_paused_second_step_says_so_and_for_how_long():
    _, device, _ = user_with_two_factor()
    client = Client()
    password_step(client)
    code_step(client, "000000" if current_code(device) != "000000" else "111111")
    response = code_step(client, current_code(device))
    text = response.content.decode()
    assert "Sign-in is paused for 1 second" in text
    assert "did not work" not in text
    assert client.get(reverse("journal:dashboard")).status_code == 302
    # django-otp's pause still holds, and ends: then the right code works.
    end_the_pause(device.user)
    code_step(client, current_code(device))
    assert client.get(reverse("journal:dashboard")).status_code == 200


def test_the_pause_grows_with_each_wrong_code():
    user, device, _ = user_with_two_factor()
    AuthenticatorDevice.objects.filter(pk=device.pk).update(throttling_failure_count=7)
    end_the_pause(user)
    client = Client()
    password_step(client)
    code_step(client, "000000" if current_code(device) != "000000" else "111111")
    text = code_step(client, current_code(device)).content.decode()
    assert "Sign-in is paused for 3 minutes" in text  # the 8th miss in a row: 2**7 = 128 s


def test_recovery_codes_are_paused_like_app_codes():
    user, _, codes = user_with_two_factor()
    client = Client()
    password_step(client)
    code_step(client, "zzzzz-zzzzz")
    text = code_step(client, codes[0]).content.decode()
    assert "Sign-in is paused" in text
    end_the_pause(user)
    code_step(client, codes[0])
    assert client.get(reverse("journal:dashboard")).status_code == 200


def wrong_code(device: AuthenticatorDevice) -> str:
    return "000000" if current_code(device) != "000000" else "111111"


def test_someone_with_the_password_and_a_wrong_code_is_told_at_the_next_sign_in():
    user, device, codes = user_with_two_factor()
    partner = Client()
    password_step(partner)
    code_step(partner, wrong_code(device))
    end_the_pause(user)
    owner = Client()
    password_step(owner)
    response = code_step(owner, current_code(device), next="/accounts/")
    page = owner.get(response["Location"]).content.decode()
    assert "Someone entered your password correctly and then a wrong code, on" in page
    assert "change your password" in page
    # Told once.
    owner.post(reverse("logout"))
    password_step(owner)
    response = code_step(owner, codes[0], next="/accounts/")
    assert "wrong code" not in owner.get(response["Location"]).content.decode()


def test_someone_with_the_password_and_a_wrong_code_is_reported_by_email():
    user, device, _ = user_with_two_factor(email="sky@example.org")
    partner = Client()
    password_step(partner)
    code_step(partner, wrong_code(device))
    end_the_pause(user)
    code_step(partner, wrong_code(device))
    assert len(mail.outbox) == 1  # one mail for the attempt, not one per code
    message = mail.outbox[0]
    assert message.to == ["sky@example.org"]
    assert "Notebook" in message.subject
    body = message.body
    assert "entered your password correctly and then a wrong code, on" in body
    assert "change your password" in body
    text = (message.subject + body).lower()
    for word in ("trust", "partner", "relationship", "journal", "couple"):
        assert word not in text, word


def test_the_owners_own_typo_then_the_right_code_leaves_no_notice():
    user, device, _ = user_with_two_factor()
    client = Client()
    password_step(client)
    code_step(client, wrong_code(device))
    end_the_pause(user)
    response = code_step(client, current_code(device), next="/accounts/")
    assert "wrong code" not in client.get(response["Location"]).content.decode()
    assert not WrongCodeNotice.objects.filter(user=user).exists()


# 7. Second-step secrets are encrypted (keys) or hashed (recovery codes).


def test_totp_keys_are_stored_encrypted_and_rotate_with_the_field_keys(settings, fresh_keys):
    user, device, _ = user_with_two_factor()
    stored = raw_column("trustrepair_authenticatordevice", "key")
    assert stored[0].startswith("gAAAAA")
    assert device.key not in stored[0]
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    fresh_keys(new_key, old_key)
    call_command("rotate_encryption", verbosity=0)
    fresh_keys(new_key)  # the old key is gone: the TOTP key was re-encrypted with the new one
    assert raw_column("trustrepair_authenticatordevice", "key") != stored
    client = Client()
    password_step(client)
    code_step(client, current_code(AuthenticatorDevice.objects.get(user=user)))
    assert client.get(reverse("journal:dashboard")).status_code == 200


def test_recovery_codes_are_stored_only_as_hashes():
    user, _, codes = user_with_two_factor()
    stored = " ".join(raw_column("trustrepair_recoverycode", "code_hash"))
    for code in codes:
        assert code not in stored
        assert code.replace("-", "") not in stored
    client = Client()
    password_step(client)
    code_step(client, codes[3])
    assert client.get(reverse("journal:dashboard")).status_code == 200
    assert twofactor.remaining_recovery_codes(user) == len(codes) - 1


@pytest.mark.django_db(transaction=True)
def test_existing_second_step_devices_move_encrypted_and_keep_working():
    from django.db.migrations.executor import MigrationExecutor

    before = [("trustrepair", "0005_second_step_devices")]
    after = [("trustrepair", "0006_move_second_step_devices")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    plugins = [("otp_totp", "0003_add_timestamps"), ("otp_static", "0003_add_timestamps")]
    old_apps = executor.loader.project_state(before + plugins).apps
    user = old_apps.get_model("trustrepair", "User").objects.create(username="sky")
    old_totp = old_apps.get_model("otp_totp", "TOTPDevice")
    key = "3132333435363738393031323334353637383930"
    old_totp.objects.create(user_id=user.pk, name="phone", confirmed=True, key=key)
    old_totp.objects.create(user_id=user.pk, name="abandoned", confirmed=False)
    static = old_apps.get_model("otp_static", "StaticDevice").objects.create(
        user_id=user.pk, name="codes", confirmed=True
    )
    old_apps.get_model("otp_static", "StaticToken").objects.create(device=static, token="abcd2345")
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert not TOTPDevice.objects.exists()
    assert not StaticToken.objects.exists()
    device = AuthenticatorDevice.objects.get(user_id=user.pk)
    assert device.key == key
    assert raw_column("trustrepair_authenticatordevice", "key")[0].startswith("gAAAAA")
    assert "abcd2345" not in " ".join(raw_column("trustrepair_recoverycode", "code_hash"))
    moved_user = device.user
    assert twofactor.verify_code(moved_user, current_code(device)) is not None
    assert twofactor.verify_code(moved_user, "abcd2345") is not None


def test_a_wrong_code_notice_is_kept_no_longer_than_the_access_records(user):
    WrongCodeNotice.objects.create(
        user=user,
        attempt="old",
        failed_at=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC),
    )
    call_command("purge_access_records", verbosity=0)
    assert not WrongCodeNotice.objects.filter(user=user).exists()


def test_several_wrong_code_attempts_are_told_in_one_message():
    user, device, codes = user_with_two_factor()
    for _ in range(2):
        partner = Client()
        password_step(partner)
        code_step(partner, wrong_code(device))
        end_the_pause(user)
    owner = Client()
    password_step(owner)
    response = code_step(owner, codes[0], next="/accounts/")
    page = owner.get(response["Location"]).content.decode()
    assert page.count("Someone entered your password correctly") == 1
    assert " and " in page.split("then a wrong code, on", 1)[1].split(".", 1)[0]


def test_a_recovery_code_passes_the_second_step_for_the_admin_too():
    _, _, codes = user_with_two_factor("sky", is_staff=True, is_superuser=True)
    client = Client()
    password_step(client)
    code_step(client, codes[0])
    assert client.get("/admin/").status_code == 200
