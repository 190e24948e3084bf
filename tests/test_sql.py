"""The names in the reads written out as SQL come from the models, quoted."""

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db import connection

from journal.models import CheckIn
from trustrepair import sql


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
