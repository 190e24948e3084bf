"""Moves two-step devices from django-otp's plugin tables into trustrepair's own.

TOTP keys are written encrypted (the field encrypts on save) and recovery codes are
hashed; the readable originals are then deleted. Confirmed devices only: a key that
was shown but never confirmed must not start working. Nobody loses two-step sign-in.
"""

from django.db import migrations

from trustrepair.models import hash_recovery_code

TOTP_FIELDS = (
    "name",
    "confirmed",
    "key",
    "step",
    "t0",
    "digits",
    "tolerance",
    "drift",
    "last_t",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "created_at",
    "last_used_at",
)


def move_devices(apps, schema_editor):
    OldTOTP = apps.get_model("otp_totp", "TOTPDevice")
    OldStatic = apps.get_model("otp_static", "StaticDevice")
    Authenticator = apps.get_model("trustrepair", "AuthenticatorDevice")
    RecoveryDevice = apps.get_model("trustrepair", "RecoveryCodeDevice")
    RecoveryCode = apps.get_model("trustrepair", "RecoveryCode")

    for old in OldTOTP.objects.filter(confirmed=True).iterator():
        new = Authenticator.objects.create(
            user_id=old.user_id, **{name: getattr(old, name) for name in TOTP_FIELDS}
        )
        # created_at is auto_now_add: create() stamps it now, so put the original back.
        Authenticator.objects.filter(pk=new.pk).update(created_at=old.created_at)
    for old in OldStatic.objects.filter(confirmed=True).iterator():
        device = RecoveryDevice.objects.create(
            user_id=old.user_id,
            name=old.name,
            confirmed=True,
            throttling_failure_timestamp=old.throttling_failure_timestamp,
            throttling_failure_count=old.throttling_failure_count,
            last_used_at=old.last_used_at,
        )
        RecoveryDevice.objects.filter(pk=device.pk).update(created_at=old.created_at)
        RecoveryCode.objects.bulk_create(
            RecoveryCode(device=device, code_hash=hash_recovery_code(token.token))
            for token in old.token_set.all()
        )
    OldTOTP.objects.all().delete()
    OldStatic.objects.all().delete()  # and their tokens, by cascade


def move_keys_back(apps, schema_editor):
    """Undo: TOTP keys go back readable; hashed recovery codes cannot, so new ones are needed."""
    OldTOTP = apps.get_model("otp_totp", "TOTPDevice")
    Authenticator = apps.get_model("trustrepair", "AuthenticatorDevice")
    for device in Authenticator.objects.filter(confirmed=True).iterator():
        OldTOTP.objects.create(
            user_id=device.user_id, **{name: getattr(device, name) for name in TOTP_FIELDS}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("trustrepair", "0005_second_step_devices"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(move_devices, move_keys_back)]
