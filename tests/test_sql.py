"""The names in the reads written out as SQL come from the models, quoted."""

from django.db import connection

from journal.models import CheckIn
from trustrepair import sql


def test_a_table_and_a_column_are_the_models_own_names_quoted_for_the_database():
    quote = connection.ops.quote_name

    assert sql.table(CheckIn, connection.alias) == quote(CheckIn._meta.db_table)
    # A foreign key's column is its attname, not the field's name.
    assert sql.column(CheckIn, "user", connection.alias) == quote("user_id")
    assert sql.column(CheckIn, "date", connection.alias) == quote("date")
