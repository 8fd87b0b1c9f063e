"""The resident's own family index dropped: resident_family_status_idx (family, status) starts
with the family and answers the same look-ups (see `Resident.family`). By name, not by
AlterField: on SQLite that would copy the whole table to drop one index."""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "people_resident_family_id_9524eb2c"


class Migration(migrations.Migration):
    dependencies = [("people", "0014_nik_once_alive")]

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
                )
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "people_resident" ("family_id")',
                )
            ],
        )
    ]
