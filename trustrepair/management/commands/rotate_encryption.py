from django.core.management.base import BaseCommand
from django.db import connection, transaction

from trustrepair.crypto import encrypted_fields, rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted column with the first key in FIELD_ENCRYPTION_KEYS. "
        "Put the new key first, keep the old ones after it, run this, then drop the old keys."
    )

    def handle(self, *args: object, **options: object) -> None:
        total = 0
        for model, names in encrypted_fields():
            table = connection.ops.quote_name(model._meta.db_table)
            pk = connection.ops.quote_name(model._meta.pk.column)
            columns = [connection.ops.quote_name(model._meta.get_field(n).column) for n in names]
            # Raw SQL: the ORM would decrypt on read; rotation works on the ciphertext itself.
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT {pk}, {', '.join(columns)} FROM {table}")  # noqa: S608
                    rows = cursor.fetchall()
                for row in rows:
                    values = [rotate(v) if v else v for v in row[1:]]
                    assignments = ", ".join(f"{c} = %s" for c in columns)
                    with connection.cursor() as cursor:
                        cursor.execute(
                            f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608
                            [*values, row[0]],
                        )
                total += len(rows)
            self.stdout.write(f"{model._meta.label}: {len(rows)} rows re-encrypted")
        self.stdout.write(self.style.SUCCESS(f"{total} rows re-encrypted in all"))
