from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import TextField, Value
from django.db.models.functions import Cast

from trustrepair.crypto import encrypted_fields, rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted column with the first key in FIELD_ENCRYPTION_KEYS. "
        "Put the new key first, keep the old ones after it, run this, then drop the old keys."
    )

    def handle(self, *args: object, **options: object) -> None:
        total = 0
        for model, names in encrypted_fields():
            # Read and write the ciphertext as plain text columns: the field itself
            # would decrypt on read and encrypt again on write.
            raw = {f"raw_{name}": Cast(name, TextField()) for name in names}
            rows = model._default_manager.annotate(**raw).values_list("pk", *raw)
            count = 0
            with transaction.atomic():
                for pk, *values in rows.iterator():
                    changes = {
                        name: Value(rotate(value), output_field=TextField())
                        for name, value in zip(names, values, strict=True)
                        if value
                    }
                    if changes:
                        model._default_manager.filter(pk=pk).update(**changes)
                    count += 1
            total += count
            self.stdout.write(f"{model._meta.label}: {count} rows re-encrypted")
        self.stdout.write(self.style.SUCCESS(f"{total} rows re-encrypted in all"))
