"""Data rights: export everything a person owns, and delete it all for real.

Which rows belong to a person is found from the models themselves: every
model with a foreign key path to the User (directly, or through one parent
such as a reply through its share). A new model is covered without anyone
having to remember to list it here; secrets are left out of the export by
field name.

What the walk cannot see, a model says itself with a classmethod, so this module
never imports the apps that use it:

- `shared_with(user)`: what other people chose to show this person, as dicts of plain
  values. It is in the export (under "shared_with_you"), and it is never deleted with
  this person: it belongs to whoever wrote it.
- `delete_orphans()`: called after an account is deleted, for rows that nobody is
  left in (a shared record whose last person has gone).
"""

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from datetime import date, datetime

from django.apps import apps
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils import timezone

from . import kept_words
from .models import User

# Fields that are secrets or machinery, never data the person wrote or chose.
SECRET_FIELDS = {
    "password",
    "token_hash",
    "key",
    "token",
    "session_key",
    "session_data",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "code_hash",
    "attempt",
    # An authenticator's clock bookkeeping.
    "step",
    "t0",
    "digits",
    "tolerance",
    "drift",
    "last_t",
}
# What is kept of each sign-in record (django-axes); the session hash and form data are not.
ACCESS_RECORD_FIELDS = {
    "axes.accesslog": ("attempt_time", "logout_time", "ip_address", "user_agent"),
    "axes.accessfailurelog": ("attempt_time", "ip_address", "user_agent", "locked_out"),
    "axes.accessattempt": ("attempt_time", "ip_address", "user_agent", "failures_since_start"),
}
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Models that are machinery, not the person's data. django-otp's plugin tables are kept
# empty (second-step devices live in trustrepair; the user's rows cascade anyway).
SKIPPED_MODELS = {
    "admin.logentry",
    "otp_totp.totpdevice",
    "otp_static.staticdevice",
    "otp_static.statictoken",
}


def _user_path(model: type[models.Model], depth: int = 2) -> str | None:
    """The ORM lookup from `model` to its owning user, e.g. "user" or "share__user"."""
    for field in model._meta.get_fields():
        if not (field.many_to_one or field.one_to_one) or not field.concrete:
            continue
        if field.related_model is User:
            return field.name
    if depth > 1:
        for field in model._meta.get_fields():
            if not field.many_to_one or not field.concrete or field.related_model is None:
                continue
            if field.related_model is model:
                continue
            parent = _user_path(field.related_model, depth - 1)
            if parent:
                return f"{field.name}__{parent}"
    return None


def owned_models() -> list[tuple[type[models.Model], str]]:
    found = []
    for model in apps.get_models():
        if model is User or model._meta.label_lower in SKIPPED_MODELS:
            continue
        path = _user_path(model)
        if path:
            found.append((model, path))
    return sorted(found, key=lambda pair: pair[0]._meta.label_lower)


def owned_rows(user: User) -> Iterator[tuple[type[models.Model], models.QuerySet]]:
    for model, path in owned_models():
        yield model, model._default_manager.filter(**{path: user}).order_by("pk")


def shared_with(user: User) -> dict[str, list[dict]]:
    """What other people chose to show this person, by model (the `shared_with` hook)."""
    shared = {}
    for model in apps.get_models():
        hook = getattr(model, "shared_with", None)
        if hook is None:
            continue
        rows = [{name: _plain(value) for name, value in row.items()} for row in hook(user)]
        if rows:
            shared[model._meta.label_lower] = rows
    return dict(sorted(shared.items()))


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, dict, str, int, float, bool)) or value is None:
        return value
    return str(value)


def _row(obj: models.Model) -> dict:
    row = {}
    for field in obj._meta.concrete_fields:
        if field.name in SECRET_FIELDS:
            continue
        row[field.attname if field.is_relation else field.name] = _plain(
            getattr(obj, field.attname)
        )
    return row


def _ranges(model: type[models.Model]) -> dict[str, list[int]]:
    """Each rating column's range, read from its validators (the scales' one definition)."""
    ranges = {}
    for field in model._meta.concrete_fields:
        low = [v.limit_value for v in field.validators if isinstance(v, MinValueValidator)]
        high = [v.limit_value for v in field.validators if isinstance(v, MaxValueValidator)]
        if low and high:
            ranges[field.name] = [low[0], high[0]]
    return ranges


def access_records(user: User) -> dict[str, list[dict]]:
    """The person's own sign-in records kept by django-axes (by username: they have no user key)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    records = {}
    for model in (AccessLog, AccessFailureLog, AccessAttempt):
        fields = ACCESS_RECORD_FIELDS[model._meta.label_lower]
        rows = model.objects.filter(username=user.get_username()).order_by("attempt_time")
        records[model._meta.label_lower] = [
            {name: _plain(value) for name, value in zip(fields, values, strict=True)}
            for values in rows.values_list(*fields)
        ]
    return records


def export_data(user: User) -> dict:
    account = _row(user)
    rows = list(owned_rows(user))
    data = {model._meta.label_lower: [_row(obj) for obj in queryset] for model, queryset in rows}
    data.update(access_records(user))
    scales = {
        f"{model._meta.label_lower}.{name}": bounds
        for model, _queryset in rows
        for name, bounds in _ranges(model).items()
    }
    return {
        "exported_at": timezone.now().isoformat(),
        "account": account,
        "rating_scales": scales,
        "data": data,
        "shared_with_you": shared_with(user),
    }


def spreadsheet_safe(value: object) -> object:
    """A text cell a spreadsheet would run as a formula, made plain text with a leading '."""
    if isinstance(value, (list, dict)):
        value = json.dumps(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_zip(user: User) -> bytes:
    export = export_data(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("export.json", json.dumps(export, indent=2, ensure_ascii=False))
        tables = {
            "account": [export["account"]],
            **export["data"],
            **{
                f"shared_with_you.{label}": rows
                for label, rows in export["shared_with_you"].items()
            },
        }
        for label, rows in tables.items():
            if not rows:
                continue
            text = io.StringIO()
            writer = csv.DictWriter(text, fieldnames=list(rows[0]))
            writer.writeheader()
            for row in rows:
                # Everything here was typed by someone (a partner's reply too): never a formula.
                writer.writerow({k: spreadsheet_safe(v) for k, v in row.items()})
            archive.writestr(f"{label}.csv", text.getvalue())
    return buffer.getvalue()


@transaction.atomic
def delete_account(user: User) -> None:
    """Deletes the person and every row they own, sessions included."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username=user.get_username()).delete()
    kept_words.forget_account(user)
    for _model, queryset in reversed(list(owned_rows(user))):
        queryset.delete()
    user.delete()
    for model in apps.get_models():
        if tidy := getattr(model, "delete_orphans", None):
            tidy()
