"""Names for the few reads written out as SQL, and one INSERT built once.

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
from typing import Any, NamedTuple, cast

from django.db import connections, transaction
from django.db.models import DEFERRED, Field, Model
from django.db.models.expressions import Col


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


class _Insert(NamedTuple):
    """A model's INSERT for one database: its text, the fields of its values in order,
    and how the new primary key comes back (RETURNING, or the cursor), then is read."""

    sql: str
    fields: tuple[Field, ...]
    returns: bool
    returning_params: tuple[Any, ...]
    pk_column: str
    pk_col: Col
    pk_converters: tuple[Any, ...]


@functools.cache
def _insert_statement(model: type[Model], using: str, unless_taken: bool) -> _Insert:
    meta = model._meta
    connection = connections[using]
    pk = meta.pk
    # Only what Model.save() inserts by one statement: no parent table to fill first,
    # and no column but the auto primary key that the database sets.
    if meta.parents or pk is None or pk is not meta.auto_field:
        raise TypeError(f"insert() needs a model with an auto primary key: {model.__name__}")
    if meta.db_returning_fields != [pk]:
        raise TypeError(f"insert() cannot read back what the database sets: {model.__name__}")
    fields = tuple(field for field in meta.local_concrete_fields if field is not pk)
    for field in fields:
        if field.generated or hasattr(field, "get_placeholder_sql"):
            raise TypeError(f"insert() cannot write {model.__name__}.{field.name}")
    quote = connection.ops.quote_name
    parts = [
        connection.ops.insert_statement(on_conflict=None),
        table(model, using),
        "(" + ", ".join(quote(cast(str, field.column)) for field in fields) + ")",
        "VALUES (" + ", ".join(["%s"] * len(fields)) + ")",
    ]
    returns = connection.features.can_return_columns_from_insert
    if unless_taken:
        # Only a unique constraint's conflict is skipped (SQLite's INSERT OR IGNORE
        # would skip a NOT NULL or CHECK failure too), and only RETURNING says whether
        # the row went in.
        if not (returns and connection.features.supports_ignore_conflicts):
            raise TypeError(f"insert(unless_taken=True) is not possible on {connection.vendor}")
        parts.append("ON CONFLICT DO NOTHING")
    returning_params: tuple[Any, ...] = ()
    if returns:
        returning, returning_params = connection.ops.returning_columns([pk])
        parts.append(returning)
    _positions, ((pk_col, pk_converters),) = _reading(model, using, (pk.name,))
    return _Insert(
        sql=" ".join(parts),
        fields=fields,
        returns=returns,
        returning_params=tuple(returning_params),
        pk_column=cast(str, pk.column),
        pk_col=pk_col,
        pk_converters=pk_converters,
    )


def insert(instance: Model, using: str, *, unless_taken: bool = False) -> bool:
    """Inserts a new model instance by one statement, as Model.save() would.

    With `unless_taken`, a row that a unique constraint already holds (a check-in of
    the same day, saved a moment ago from another tab) is not an error: nothing is
    written, the instance stays unsaved and False comes back. Otherwise True.

    Why: on a check-in's POST, Django's compiling of the INSERT (the query, then
    SQLInsertCompiler.as_sql and prepare_value for each field) cost about half of the
    save, and the database little for the statement itself. Here the statement is
    built once per process for each model and database.

    The same as Model.save() for a new row: every concrete column but the auto primary
    key, each value from `field.pre_save(instance, add=True)` (auto_now, auto_now_add;
    defaults were set when the instance was made) then `field.get_db_prep_save()` (so
    EncryptedTextField encrypts); related objects checked as save() checks them (one
    not saved is an error, not a null column); the new primary key by RETURNING, or
    from the cursor where the database cannot return it; `instance._state` then says
    saved, and where. The transaction is the ORM's: in autocommit the one statement
    commits on its own; inside atomic() an error marks the block for rollback, as
    save() does (ATOMIC_REQUESTS is not set). A broken constraint raises Django's
    IntegrityError, as save() does, and leaves the instance unsaved.

    Not done: no pre_save/post_save signals (nothing listens for the models it is used
    on, and tests/test_sql.py checks it stays so), no many-to-many, no multi-table
    inheritance, no database defaults or expressions as values (all refused, loudly).
    An instance with a primary key is refused too: save() would have updated it.
    """
    model = type(instance)
    meta = model._meta
    if instance.pk is not None:
        raise ValueError(f"insert() is for a new {model.__name__}, not a saved one")
    # As save() does first: a related object saved after it was set gives its id now.
    instance._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]
    statement = _insert_statement(model, using, unless_taken)
    connection = connections[using]
    with transaction.mark_for_rollback_on_error(using):
        values = []
        for field in statement.fields:
            value = field.pre_save(instance, add=True)
            if hasattr(value, "resolve_expression"):
                raise ValueError(f"insert() takes values, not SQL: {model.__name__}.{field.name}")
            values.append(field.get_db_prep_save(value, connection))
        with connection.cursor() as cursor:
            cursor.execute(statement.sql, [*values, *statement.returning_params])
            if statement.returns:
                rows = connection.ops.fetch_returned_rows(cursor, statement.returning_params)
                if not rows:  # skipped: the unique row is already there
                    return False
                pk = rows[0][0]
            else:
                pk = connection.ops.last_insert_id(cursor, meta.db_table, statement.pk_column)
    for convert in statement.pk_converters:
        pk = convert(pk, statement.pk_col, connection)
    instance.pk = pk
    instance._state.db = using
    instance._state.adding = False
    return True
