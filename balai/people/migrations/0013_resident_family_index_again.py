"""The resident's own family index, made again where a database had applied the since-removed
migration `0012_resident_family_index` (it dropped it; the model keeps it: without it
PostgreSQL's planner ANDed (family, status) with the partial NIK index of every living
resident). Elsewhere the index exists and this does nothing."""

from django.db import migrations

INDEX = "people_resident_family_id_9524eb2c"


class Migration(migrations.Migration):
    dependencies = [("people", "0012_category_cover_include")]

    operations = [
        migrations.RunSQL(
            f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "people_resident" ("family_id")',
            reverse_sql=migrations.RunSQL.noop,
        )
    ]
