"""Two foreign keys indexed only where set: a resident's household (an imported resident has
none) and the user who cancelled a life event (every event is written without). The full
indexes are dropped rather than rebuilt through AlterField, which would copy the whole table
on SQLite; the partial ones answer the same lookups (`= x` and `IN (...)` imply IS NOT NULL,
on both databases)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# (index, table, column): the names Django gave them (the same on SQLite and PostgreSQL).
DROPPED = [
    ("people_resident_household_id_ced4480b", "people_resident", "household_id"),
    ("people_lifeevent_cancelled_by_id_2b22d16e", "people_lifeevent", "cancelled_by_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0009_redundant_fk_indexes"),
        ("regions", "0002_village_office_coordinates"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="lifeevent",
                    name="cancelled_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="resident",
                    name="household",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="members",
                        to="people.household",
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
        migrations.AddIndex(
            model_name="lifeevent",
            index=models.Index(
                condition=models.Q(("cancelled_by__isnull", False)),
                fields=["cancelled_by"],
                name="lifeevent_cancelled_by_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="resident",
            index=models.Index(
                condition=models.Q(("household__isnull", False)),
                fields=["household"],
                name="resident_household_idx",
            ),
        ),
    ]
