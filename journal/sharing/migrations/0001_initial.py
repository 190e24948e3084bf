# Sharing became an app of its own: the model moves here, its table stays as it was.

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import trustrepair.crypto


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="journal", model="share").update(app_label="sharing")


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="sharing", model="share").update(app_label="journal")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("journal", "0002_shares"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Share",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("token_hash", models.CharField(max_length=64, unique=True)),
                        ("period_start", models.DateField()),
                        ("period_end", models.DateField()),
                        ("snapshot_json", trustrepair.crypto.EncryptedTextField()),
                        ("message", trustrepair.crypto.EncryptedTextField(blank=True, validators=[django.core.validators.MaxLengthValidator(1000)])),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("expires_at", models.DateTimeField()),
                        ("revoked_at", models.DateTimeField(blank=True, null=True)),
                        ("view_count", models.PositiveIntegerField(default=0)),
                        ("first_viewed_at", models.DateTimeField(blank=True, null=True)),
                        ("last_viewed_at", models.DateTimeField(blank=True, null=True)),
                        ("acknowledged_at", models.DateTimeField(blank=True, null=True)),
                        ("reply", trustrepair.crypto.EncryptedTextField(blank=True, validators=[django.core.validators.MaxLengthValidator(500)])),
                        ("replied_at", models.DateTimeField(blank=True, null=True)),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="shares", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "journal_share",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [models.Index(fields=["user", "created_at"], name="journal_sha_user_id_42d27a_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, restore_content_type),
    ]
