"""Encryption at rest for the free text people write.

Keys come from FIELD_ENCRYPTION_KEYS (comma-separated Fernet keys, newest first).
Encrypting always uses the first key; decrypting tries each, so a new key can be
put in front and `manage.py rotate_encryption` re-encrypts every row with it.
"""

from collections.abc import Sequence
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class DecryptionError(Exception):
    """Stored text could not be decrypted with any configured key."""


@cache
def _fernet() -> MultiFernet:
    keys = settings.FIELD_ENCRYPTION_KEYS
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a key that is not a valid Fernet key."
        ) from exc


def reset_keys() -> None:
    """Forget the cached keys (after settings change: tests, rotation)."""
    _fernet.cache_clear()


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError) as exc:
        # Never return garbage or the ciphertext: a wrong key must be loud.
        raise DecryptionError("stored text cannot be decrypted with the configured keys") from exc


def rotate(token: str) -> str:
    try:
        return _fernet().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise DecryptionError("stored text cannot be decrypted with the configured keys") from exc


class EncryptedTextField(models.TextField):
    """A TextField stored as Fernet ciphertext; the empty string stays empty.

    Ciphertext cannot be searched or sorted in the database, so only use it for
    text that is shown, never filtered on. `max_length` is checked on the plain
    text by forms and validation, not by the column.
    """

    def from_db_value(
        self, value: str | None, expression: object, connection: object
    ) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: object) -> str | None:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, _path, args, kwargs = super().deconstruct()
        return name, "trustrepair.crypto.EncryptedTextField", args, kwargs


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    """Every model with encrypted columns, and those columns."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.get_fields() if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found
