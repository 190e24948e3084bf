"""Sessions signed in before trustrepair.backends.UserBackend named Django's
ModelBackend; Django only loads a session's user through a backend that is still in
AUTHENTICATION_BACKENDS. Each live session is moved onto the new name, so nobody is
signed out by the upgrade. Only that one key changes; the data is decoded and signed
again as Django's session store does (the same salt and SECRET_KEY)."""

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import migrations
from django.utils import timezone

OLD = "django.contrib.auth.backends.ModelBackend"
NEW = "trustrepair.backends.UserBackend"


def rename(apps, schema_editor, before, after):
    UserSession = apps.get_model("trustrepair", "UserSession")
    store = SessionStore()
    live = UserSession.objects.using(schema_editor.connection.alias).filter(
        expire_date__gt=timezone.now(), user__isnull=False
    )
    # Read first, then written: no open cursor on the table while its rows change.
    for key, data in list(live.values_list("session_key", "session_data")):
        decoded = store.decode(data)  # {} when it cannot be read: left as it is
        if decoded.get(BACKEND_SESSION_KEY) == before:
            decoded[BACKEND_SESSION_KEY] = after
            live.filter(session_key=key).update(session_data=store.encode(decoded))


def forward(apps, schema_editor):
    rename(apps, schema_editor, OLD, NEW)


def backward(apps, schema_editor):
    rename(apps, schema_editor, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("trustrepair", "0007_kept_forms"),
    ]

    operations = [migrations.RunPython(forward, backward)]
