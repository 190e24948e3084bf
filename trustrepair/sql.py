"""Names for the few reads written out as SQL.

Some reads run on every request (the session, a reader's progress, the dashboard's
lists, the insights figures), and Django spent longer building and compiling each
QuerySet than the database spent answering it. Those are written once as SQL and kept
per process. Their table and column names always come from the models, quoted for the
database in use, and every value is a parameter: a renamed field changes the SQL with
it, and nothing a person typed is ever part of a statement.

A statement names a model by its class name and a column by the model's field:

    statement("SELECT {Share.id} FROM {Share} WHERE {Share.user} = %s", using, Share)
"""

import functools
from collections.abc import Sequence
from typing import Any, cast

from django.db import connections
from django.db.models import DEFERRED, Field, Model


def table(model: type[Model], using: str) -> str:
    """The model's table, quoted for the database `using`."""
    return connections[using].ops.quote_name(model._meta.db_table)


def column(model: type[Model], name: str, using: str) -> str:
    """The column of the model's field `name`, quoted for the database `using`."""
    field = cast(Field, model._meta.get_field(name))
    return connections[using].ops.quote_name(cast(str, field.column))


class _Names:
    """One model in a statement: `{Model}` is its table, `{Model.field}` a column."""

    def __init__(self, model: type[Model], using: str) -> None:
        self._model, self._using = model, using

    def __format__(self, spec: str) -> str:
        return table(self._model, self._using)

    def __getattr__(self, name: str) -> str:
        # Only reached for field names: the two attributes above are set on the instance.
        return column(self._model, name, self._using)


@functools.cache
def statement(template: str, using: str, *models: type[Model], **parts: str) -> str:
    """`template` with its models' table and column names, quoted for the database
    `using`, and any other `parts` (SQL the caller builds, never a person's words).
    Built once per process for each template and database."""
    names = {model.__name__: _Names(model, using) for model in models}
    return template.format(**names, **parts)


@functools.cache
def _reading(
    model: type[Model], using: str, names: tuple[str, ...]
) -> tuple[tuple[int | None, ...], tuple[tuple[Any, tuple[Any, ...]], ...]]:
    """For a row of `names`: where each of the model's columns is in it (None when it
    is not read), and what the ORM runs on each value (the backend's converters, then
    the field's own)."""
    connection = connections[using]
    fields = [cast(Field, model._meta.get_field(name)) for name in names]
    converters = []
    for field in fields:
        col = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
        converters.append((col, tuple(found)))
    place = {field.attname: index for index, field in enumerate(fields)}
    positions = tuple(place.get(field.attname) for field in model._meta.concrete_fields)
    return positions, tuple(converters)


def instance[M: Model](model: type[M], using: str, names: tuple[str, ...], row: Sequence[Any]) -> M:
    """A model instance from a row of a written-out SELECT, as the ORM would build it:
    `names` are the fields in the row's order, each value goes through the same
    converters (dates from SQLite's text, booleans, the encrypted fields' decryption),
    and fields not named stay deferred."""
    connection = connections[using]
    positions, converters = _reading(model, using, names)
    values = []
    for value, (col, found) in zip(row, converters, strict=True):
        for convert in found:
            value = convert(value, col, connection)
        values.append(value)
    ordered = [DEFERRED if at is None else values[at] for at in positions]
    attnames = [field.attname for field in model._meta.concrete_fields]
    return model.from_db(using, attnames, ordered)
