"""PostgreSQL only: the `varchar_pattern_ops` indexes Django adds beside every unique CharField
(for LIKE 'x%'), on the public ids of residents, families and life events. Nothing searches a
public id by prefix (it is looked up whole, through the unique index), and each was one more
index write for every row an import adds: 5% of the server's CPU for a 100,000-row import.
SQLite has no such index."""

from django.db import migrations

# (index, table): the names Django gave them on PostgreSQL.
DROPPED = [
    ("people_resident_public_id_0dcf3331_like", "people_resident"),
    ("people_family_public_id_fe19e35e_like", "people_family"),
    ("people_lifeevent_public_id_5ec99163_like", "people_lifeevent"),
]


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index, _table in DROPPED:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{index}"')


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index, table in DROPPED:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" ("public_id" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0010_partial_null_fk_indexes")]

    operations = [migrations.RunPython(drop, create)]
