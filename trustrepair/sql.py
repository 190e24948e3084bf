"""Names for the few reads written out as SQL.

Some reads run on every request (the session, a reader's progress, the dashboard's
lists, the insights figures), and Django spent longer building and compiling each
QuerySet than the database spent answering it. Those are written once as SQL and kept
per process. Their table and column names always come from the models, quoted for the
database in use, and every value is a parameter: a renamed field changes the SQL with
it, and nothing a person typed is ever part of a statement.
"""

from typing import cast

from django.db import connections
from django.db.models import Field, Model


def table(model: type[Model], using: str) -> str:
    """The model's table, quoted for the database `using`."""
    return connections[using].ops.quote_name(model._meta.db_table)


def column(model: type[Model], name: str, using: str) -> str:
    """The column of the model's field `name`, quoted for the database `using`."""
    field = cast(Field, model._meta.get_field(name))
    return connections[using].ops.quote_name(cast(str, field.column))
