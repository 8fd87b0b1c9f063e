"""A resident's family without an index of its own: resident_family_status_idx (family,
status) starts with it and answers the same lookups, and every index is one more write for
each resident an import adds (issue 22). Dropped rather than through AlterField, which would
copy the whole table on SQLite."""

import django.db.models.deletion
from django.db import migrations, models

INDEX, TABLE, COLUMN = "people_resident_family_id_9524eb2c", "people_resident", "family_id"


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0011_public_id_like_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="resident",
                    name="family",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="members",
                        to="people.family",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=f'CREATE INDEX "{INDEX}" ON "{TABLE}" ("{COLUMN}")',
                )
            ],
        ),
    ]
