# The audit models move here from `core` with their tables (core_auditchain, core_auditevent):
# only Django's model state changes, the database is left as it is.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("core", "0001_initial"),
        ("regions", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditChain",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("key", models.CharField(max_length=16, unique=True)),
                        ("last_seq", models.BigIntegerField(default=0)),
                        (
                            "last_hash",
                            models.CharField(
                                default="0000000000000000000000000000000000000000000000000000000000000000",
                                max_length=64,
                            ),
                        ),
                        (
                            "village",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                to="regions.village",
                            ),
                        ),
                    ],
                    options={"db_table": "core_auditchain"},
                ),
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("seq", models.BigIntegerField()),
                        ("occurred_at", models.DateTimeField()),
                        ("actor_label", models.CharField(blank=True, max_length=150)),
                        ("action", models.CharField(max_length=64)),
                        ("object_type", models.CharField(blank=True, max_length=64)),
                        ("object_id", models.CharField(blank=True, max_length=64)),
                        ("changes", models.JSONField(blank=True, default=dict)),
                        (
                            "source",
                            models.CharField(blank=True, help_text="IP address or 'cli'/'api'", max_length=64),
                        ),
                        ("prev_hash", models.CharField(max_length=64)),
                        ("hash", models.CharField(max_length=64)),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "chain",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="events",
                                to="audit.auditchain",
                            ),
                        ),
                        (
                            "village",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="regions.village",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "core_auditevent",
                        "ordering": ["chain_id", "seq"],
                        "indexes": [
                            models.Index(
                                fields=["object_type", "object_id"], name="core_audite_object__bbabc4_idx"
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(fields=("chain", "seq"), name="auditevent_chain_seq_unique")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
