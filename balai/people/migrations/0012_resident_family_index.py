"""The resident's own index on its family, which resident_family_status_idx (family, status)
starts with: dropped, not rebuilt (AlterField would copy the whole resident table on SQLite).
One index write fewer for every resident an import adds (issue 22)."""

import django.db.models.deletion
from django.db import migrations, models

INDEX, TABLE, COLUMN = "people_resident_family_id_9524eb2c", "people_resident", "family_id"


class Migration(migrations.Migration):
    dependencies = [("people", "0011_public_id_like_indexes")]

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
                ),
            ],
        ),
    ]
