import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from journal.models import CheckIn
from tests.security.fixtures import fill_journal
from trustrepair import crypto

PLAIN = "Plain words nobody should read in a dump"


def raw_rows(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return cursor.fetchall()


def encrypted_columns_text() -> str:
    return " ".join(
        str(value)
        for model, _ in crypto.encrypted_fields()
        for row in raw_rows(model._meta.db_table)
        for value in row
    )


@pytest.mark.django_db
def test_every_free_text_column_is_stored_as_ciphertext(user):
    fill_journal(user, text=PLAIN)
    stored = encrypted_columns_text()
    assert PLAIN not in stored
    assert "gAAAAA" in stored  # the Fernet token prefix
    assert CheckIn.objects.get(user=user).private_note == PLAIN


def test_the_encrypted_fields_cover_the_journal_and_shares():
    fields = {f"{m._meta.label_lower}.{n}" for m, names in crypto.encrypted_fields() for n in names}
    expected = {
        "journal.commitment.text",
        "journal.commitment.note",
        "journal.commitment.renegotiation_reason",
        "journal.checkin.working",
        "journal.checkin.needs_work",
        "journal.checkin.appreciation",
        "journal.checkin.prompt_answer",
        "journal.checkin.private_note",
        "journal.lessonreflection.text",
        "sharing.share.snapshot_json",
        "sharing.share.message",
        "sharing.share.reply",
        "couples.jointanswer.working",
        "couples.jointanswer.would_help",
        "couples.jointanswer.private_note",
        "guides.selfcheck.answers",
        "reminders.pushsubscription.endpoint",
        "reminders.pushsubscription.key",
    }
    assert expected <= fields


@pytest.mark.django_db
def test_rotation_re_encrypts_every_row_with_the_new_key(user, settings, fresh_keys):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    fill_journal(user, text=PLAIN)
    before = encrypted_columns_text()
    new_key = Fernet.generate_key().decode()
    fresh_keys(new_key, old_key)
    call_command("rotate_encryption", verbosity=0)
    after = encrypted_columns_text()
    assert before != after
    # Only the new key is needed now: every row was rewritten with it.
    fresh_keys(new_key)
    assert CheckIn.objects.get(user=user).private_note == PLAIN
    tokens = [v for v in after.split() if v.startswith("gAAAAA")]
    new = Fernet(new_key.encode())
    for token in tokens:
        new.decrypt(token.encode())


@pytest.mark.django_db
def test_a_wrong_key_fails_loudly_instead_of_returning_garbage(user, fresh_keys):
    fill_journal(user, text=PLAIN)
    fresh_keys(Fernet.generate_key().decode())
    with pytest.raises(crypto.DecryptionError):
        CheckIn.objects.get(user=user).private_note  # noqa: B018


def test_an_invalid_key_is_a_clear_configuration_error(fresh_keys):
    from django.core.exceptions import ImproperlyConfigured

    fresh_keys("not-a-fernet-key")
    with pytest.raises(ImproperlyConfigured, match="not a valid Fernet key"):
        crypto.encrypt("x")
