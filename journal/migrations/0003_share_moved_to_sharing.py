# The Share model now belongs to journal.sharing (its table is kept, see sharing 0001).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0002_shares"),
        ("sharing", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Share")],
            database_operations=[],
        ),
    ]
