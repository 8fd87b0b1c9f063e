"""A child measurement's indexes that others already cover, dropped (not rebuilt through
AlterField, which would copy the whole table on SQLite):

- health_childmeasurement_village_id_c95294b3 (village): childmeasure_child_idx and
  childmeasure_month_idx start with the village;
- health_childmeasurement_session_id_49e7eb8d (session): childmeasure_once_per_session
  (session, child) WHERE session IS NOT NULL; `session = x` and `IN (...)` imply it is not null,
  on both databases;
- PostgreSQL only, the `varchar_pattern_ops` index Django adds beside the unique public id (for
  LIKE 'x%'; a public id is looked up whole, as in people's migration 0011).

Each was one more index write for every measurement a posyandu session records."""

import django.db.models.deletion
from django.db import migrations, models

DROPPED = [
    ("health_childmeasurement_village_id_c95294b3", "village_id"),
    ("health_childmeasurement_session_id_49e7eb8d", "session_id"),
]
TABLE = "health_childmeasurement"
LIKE_INDEX = "health_childmeasurement_public_id_bb881765_like"


def drop_like(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{LIKE_INDEX}"')


def create_like(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{LIKE_INDEX}" ON "{TABLE}" ("public_id" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("health", "0003_pregnancy_maternal_death"),
        ("regions", "0002_village_office_coordinates"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="childmeasurement",
                    name="village",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="regions.village",
                    ),
                ),
                migrations.AlterField(
                    model_name="childmeasurement",
                    name="session",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="measurements",
                        to="health.posyandusession",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{index}"',
                    reverse_sql=f'CREATE INDEX "{index}" ON "{TABLE}" ("{column}")',
                )
                for index, column in DROPPED
            ],
        ),
        migrations.RunPython(drop_like, create_like),
    ]
