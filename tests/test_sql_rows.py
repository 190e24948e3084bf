"""A row of a written-out SELECT becomes the model instance the ORM would have built."""

import datetime

import pytest
from django.db import connection

from journal.models import CheckIn
from tests.helpers import make_user
from tests.journal.helpers import make_checkin, make_lesson
from trustrepair import sql

EVERY_FIELD = tuple(field.name for field in CheckIn._meta.concrete_fields)


def select(names: tuple[str, ...], pk: int) -> tuple:
    columns = ", ".join(sql.column(CheckIn, name, connection.alias) for name in names)
    table = sql.table(CheckIn, connection.alias)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()


def values(checkin: CheckIn, names: tuple[str, ...]) -> dict:
    fields = [CheckIn._meta.get_field(name) for name in names]
    return {field.attname: getattr(checkin, field.attname) for field in fields}


@pytest.mark.django_db
def test_every_value_comes_out_as_the_orm_reads_it_decrypted_dates_booleans_and_keys():
    person = make_user("robin")
    lesson = make_lesson()
    written = make_checkin(
        person,
        datetime.date(2026, 3, 9),
        working="We talked, <b>calmly</b>.",
        private_note="Only mine\nsecond line",
        safety_concern=False,
        lesson=lesson,
        stage=lesson.stage,
    )
    built = sql.instance(CheckIn, connection.alias, EVERY_FIELD, select(EVERY_FIELD, written.pk))
    read = CheckIn.objects.get(pk=written.pk)
    assert values(built, EVERY_FIELD) == values(read, EVERY_FIELD)
    assert built.working == "We talked, <b>calmly</b>."
    assert built.safety_concern is False
    assert built._state.adding is False
    assert built._state.db == connection.alias


@pytest.mark.django_db
def test_fields_not_read_stay_deferred_and_the_order_of_names_does_not_matter():
    person = make_user("robin")
    written = make_checkin(person, datetime.date(2026, 3, 9), appreciation="The tea")
    names = ("appreciation", "date", "id")
    built = sql.instance(CheckIn, connection.alias, names, select(names, written.pk))
    assert (built.pk, built.date, built.appreciation) == (
        written.pk,
        datetime.date(2026, 3, 9),
        "The tea",
    )
    assert built.get_deferred_fields() == {f.attname for f in CheckIn._meta.concrete_fields} - {
        "id",
        "date",
        "appreciation",
    }
