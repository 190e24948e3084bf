"""The names in the reads written out as SQL come from the models, quoted; the INSERT
built once writes the row Model.save() writes."""

import datetime

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save, pre_save
from django.urls import get_resolver
from django.utils import timezone

from journal.models import CheckIn
from tests.journal.helpers import make_lesson, make_stage
from trustrepair import sql
from trustrepair.crypto import EncryptedTextField, decrypt


def test_a_table_and_a_column_are_the_models_own_names_quoted_for_the_database():
    quote = connection.ops.quote_name

    assert sql.table(CheckIn, connection.alias) == quote(CheckIn._meta.db_table)
    # A foreign key's column is its attname, not the field's name.
    assert sql.column(CheckIn, "user", connection.alias) == quote("user_id")
    assert sql.column(CheckIn, "date", connection.alias) == quote("date")


def test_a_statement_names_each_model_by_its_table_and_each_field_by_its_column():
    quote = connection.ops.quote_name

    statement = sql.statement(
        "SELECT {CheckIn.id} FROM {CheckIn} WHERE {CheckIn.user} = %s ORDER BY {order}",
        connection.alias,
        CheckIn,
        order="1",
    )

    # The expected text is built from the same quoted names, not from any input.
    assert statement == (
        f"SELECT {quote('id')} FROM {quote(CheckIn._meta.db_table)}"  # noqa: S608
        f" WHERE {quote('user_id')} = %s ORDER BY 1"
    )


def test_a_statement_naming_a_field_the_model_does_not_have_fails_loudly():
    with pytest.raises(FieldDoesNotExist):
        sql.statement("SELECT {CheckIn.mood} FROM {CheckIn}", connection.alias, CheckIn)


MOMENT = datetime.datetime(2024, 3, 9, 21, 30, 15, 123456, tzinfo=datetime.UTC)
ENCRYPTED = [f.column for f in CheckIn._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def every_field_set(user) -> CheckIn:
    lesson = make_lesson(make_stage())
    return CheckIn(
        user=user,
        date=datetime.date(2024, 3, 9),
        trust=7,
        communication=2,
        connection=5,
        working="Walks after dinner",
        needs_work="Replying sooner",
        appreciation="The morning tea",
        prompt="small-wins",
        prompt_answer="On time all week",
        safety_concern=False,
        private_note="Only for me",
        stage=lesson.stage,
        lesson=lesson,
        created_at=datetime.datetime(2024, 3, 1, 8, 0, tzinfo=datetime.UTC),
    )


def stored(pk: int) -> dict:
    """The row as the database holds it: every column, nothing converted."""
    with connection.cursor() as cursor:
        cursor.execute(
            sql.statement(
                "SELECT * FROM {CheckIn} WHERE {CheckIn.id} = %s", connection.alias, CheckIn
            ),
            [pk],
        )
        names = [column[0] for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


@pytest.mark.django_db
def test_insert_writes_the_row_model_save_writes_column_by_column(user, monkeypatch):
    # The same instant for auto_now, so the two rows can be the same.
    monkeypatch.setattr(timezone, "now", lambda: MOMENT)
    checkin = every_field_set(user)
    sql.insert(checkin, connection.alias)
    inserted = stored(checkin.pk)
    CheckIn.objects.filter(pk=checkin.pk).delete()
    checkin.pk, checkin._state.adding = None, True
    checkin.save()
    saved = stored(checkin.pk)

    assert inserted.keys() == saved.keys()
    assert inserted.pop("id") != saved.pop("id")
    # Encryption is salted: the same words are two different ciphertexts, never plain.
    for name in ENCRYPTED:
        assert inserted[name] != getattr(checkin, name)
        assert decrypt(inserted.pop(name)) == decrypt(saved.pop(name)) == getattr(checkin, name)
    assert inserted == saved
    assert {"user_id", "lesson_id", "stage_id", "date", "created_at", "updated_at"} <= set(saved)


@pytest.mark.django_db
def test_an_inserted_check_in_gets_its_id_is_no_longer_adding_and_reads_back_the_same(user):
    before = timezone.now()
    checkin = CheckIn(
        user=user,
        date=datetime.date(2024, 3, 9),
        trust=6,
        communication=3,
        connection=4,
        private_note="Only for me",
    )
    assert checkin.created_at is not None  # the default, set when the instance was made

    sql.insert(checkin, connection.alias)

    assert isinstance(checkin.pk, int)
    assert not checkin._state.adding
    assert checkin._state.db == connection.alias
    assert before <= checkin.updated_at <= timezone.now()
    again = CheckIn.objects.get(pk=checkin.pk)
    assert (again.user, again.date, again.private_note) == (user, checkin.date, "Only for me")
    assert (again.created_at, again.updated_at) == (checkin.created_at, checkin.updated_at)


@pytest.fixture
def no_returning(monkeypatch):
    """A database that cannot return the new id from its INSERT (built afresh)."""
    monkeypatch.setattr(connection.features, "can_return_columns_from_insert", False)
    sql._insert_statement.cache_clear()
    yield
    sql._insert_statement.cache_clear()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the cursor's lastrowid is SQLite's")
def test_where_the_database_cannot_return_the_id_it_comes_from_the_cursor(user, no_returning):
    checkin = CheckIn(
        user=user, date=datetime.date(2024, 3, 9), trust=6, communication=3, connection=4
    )
    sql.insert(checkin, connection.alias)
    assert "RETURNING" not in sql._insert_statement(CheckIn, connection.alias, False).sql
    assert CheckIn.objects.get().pk == checkin.pk


@pytest.mark.django_db
def test_an_insert_the_constraint_refuses_fails_as_save_does_and_marks_the_transaction(user):
    day = datetime.date(2024, 3, 9)
    CheckIn.objects.create(user=user, date=day, trust=6, communication=3, connection=4)
    second = CheckIn(user=user, date=day, trust=2, communication=2, connection=2)
    with transaction.atomic():
        with pytest.raises(IntegrityError):
            sql.insert(second, connection.alias)
        # As after save(): the block is rolled back, not carried on in a broken state.
        assert connection.needs_rollback
    assert (second.pk, second._state.adding) == (None, True)
    assert CheckIn.objects.count() == 1


@pytest.mark.django_db
def test_insert_refuses_an_instance_already_saved(user):
    checkin = CheckIn.objects.create(
        user=user, date=datetime.date(2024, 3, 9), trust=6, communication=3, connection=4
    )
    with pytest.raises(ValueError, match="new CheckIn"):
        sql.insert(checkin, connection.alias)


def test_nothing_listens_for_a_check_in_being_saved_as_insert_sends_no_signals():
    # Every app's receivers are connected once the URLs (and so every view) are loaded.
    assert get_resolver().url_patterns
    assert not pre_save.has_listeners(CheckIn)
    assert not post_save.has_listeners(CheckIn)


@pytest.mark.django_db
def test_unless_taken_a_row_the_unique_constraint_holds_is_skipped_not_an_error(user):
    day = datetime.date(2024, 3, 9)
    first = CheckIn(user=user, date=day, trust=6, communication=3, connection=4)
    assert sql.insert(first, connection.alias, unless_taken=True) is True
    second = CheckIn(user=user, date=day, trust=2, communication=1, connection=1)
    with transaction.atomic():  # nothing to roll back: the statement did not fail
        assert sql.insert(second, connection.alias, unless_taken=True) is False
    assert second.pk is None
    assert second._state.adding is True
    assert list(CheckIn.objects.filter(user=user).values_list("pk", "trust")) == [(first.pk, 6)]


@pytest.mark.django_db
def test_unless_taken_skips_only_a_taken_row_never_a_missing_value(user):
    # SQLite's INSERT OR IGNORE would also have skipped a NOT NULL failure, silently.
    checkin = CheckIn(user=user, date=datetime.date(2024, 3, 9), trust=None)
    with transaction.atomic(), pytest.raises(IntegrityError):
        sql.insert(checkin, connection.alias, unless_taken=True)
    assert not CheckIn.objects.filter(user=user).exists()
