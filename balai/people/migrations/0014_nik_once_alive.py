"""One NIK index instead of two: a unique index on (nik, 0 for a living resident else its id)
replaces the partial unique index on the living residents' NIK and the plain NIK index beside
it (see `Resident.Meta`). The new index is built before the old ones go, in the migration's
transaction: writes to the residents wait for it (about 10 s at 5,000,000 residents on
PostgreSQL)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("people", "0013_resident_family_index_again")]

    operations = [
        migrations.AddConstraint(
            model_name="resident",
            constraint=models.UniqueConstraint(
                models.F("nik"),
                models.Case(
                    models.When(status=1, then=models.Value(0)),
                    default=models.F("id"),
                    output_field=models.BigIntegerField(),
                ),
                name="resident_nik_once_alive",
            ),
        ),
        migrations.RemoveConstraint(model_name="resident", name="resident_nik_unique_alive"),
        migrations.RemoveIndex(model_name="resident", name="resident_nik_idx"),
    ]
