"""The foreign keys' own indexes that a composite index already starts with: dropped, not
rebuilt (AlterField would copy the whole resident table on SQLite to drop one index).

- people_resident_village_id_de4ef3d4 (village): resident_village_id_idx (village, id);
  on SQLite the two hold the same entries, (village, rowid).
- people_lifeevent_village_id_502ace81 (village): lifeevent_village_id_idx (village, id).
- people_family_village_id_ac33093d (village): family_kk_per_village (village, kk_number).

Each was one more index write for every resident, event and family an import adds. The
resident's family index stays: with only (family, status), PostgreSQL's planner answered a page
of families' member counts by ANDing it with the partial NIK index of every living resident
(tests/test_query_plans.py).
"""

import django.db.models.deletion
from django.db import migrations, models

# (index, table, column): the names Django gave them (the same on SQLite and PostgreSQL).
DROPPED = [
    ("people_resident_village_id_de4ef3d4", "people_resident", "village_id"),
    ("people_lifeevent_village_id_502ace81", "people_lifeevent", "village_id"),
    ("people_family_village_id_ac33093d", "people_family", "village_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0008_village_id_indexes"),
        ("regions", "0002_village_office_coordinates"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="family",
                    name="village",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="regions.village",
                    ),
                ),
                migrations.AlterField(
                    model_name="lifeevent",
                    name="village",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="regions.village",
                    ),
                ),
                migrations.AlterField(
                    model_name="resident",
                    name="village",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="regions.village",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{index}"',
                    reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("{column}")',
                )
                for index, table, column in DROPPED
            ],
        ),
    ]
