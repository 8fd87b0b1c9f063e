"""PostgreSQL only: resident_category_cover_idx keyed on (status, village, sex), its other
columns carried as INCLUDE columns. The statistics by category read the index only (each
category's count is grouped, never a range of the trailing columns), which INCLUDE columns
still serve; as keys, the twelve trailing columns made every new resident's entry a descent
comparing up to fifteen columns and landing at a scattered place inside its village's range.
Keyed on three, a village's new residents go at the end of their group: about half the
index's cost in a 100,000-row import (0.4–0.5 of ~5.5 CPU-s of the server's). SQLite has no
INCLUDE and keeps the index as the model declares it. The model's state stays the 15-key index:
a later migration that recreates the index from it must do this again on PostgreSQL
(people/tests/test_statistics_sets.py checks the database's form). The build holds writes to
the residents' table (~10 s at 1,000,000 residents)."""

from django.db import migrations

INDEX = "resident_category_cover_idx"
KEYS = ("status", "village_id", "sex")
CARRIED = (
    "religion",
    "education_kk",
    "education_current",
    "occupation",
    "marital_status",
    "disability",
    "blood_type",
    "insurance_type",
    "citizenship",
    "ktp_el",
    "family_relation",
    "birth_date",
)


def _create(schema_editor, keys, carried):
    schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')
    include = f" INCLUDE ({', '.join(carried)})" if carried else ""
    schema_editor.execute(f'CREATE INDEX "{INDEX}" ON "people_resident" ({", ".join(keys)}){include}')


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _create(schema_editor, KEYS, CARRIED)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _create(schema_editor, KEYS + CARRIED, ())


class Migration(migrations.Migration):
    dependencies = [("people", "0011_public_id_like_indexes")]

    operations = [migrations.RunPython(forward, backward)]
