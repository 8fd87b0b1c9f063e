import django.db.models.deletion
from django.db import migrations, models

import balai.letters.models


def fill_tracking_codes(apps, schema_editor):
    Letter = apps.get_model("letters", "Letter")
    for pk in Letter.objects.filter(tracking_code__isnull=True).values_list("pk", flat=True).iterator():
        Letter.objects.filter(pk=pk).update(tracking_code=balai.letters.models.new_tracking_code())


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="lettersettings",
            name="kiosk_types",
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="lettersettings",
            name="self_service_types",
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="lettersettings",
            name="use_tte",
            field=models.BooleanField(
                default=False, verbose_name="tanda tangan elektronik tersertifikasi (TTE)"
            ),
        ),
        migrations.AddField(
            model_name="letter",
            name="device_label",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="letter",
            name="idempotency_key",
            field=models.CharField(blank=True, max_length=64),
        ),
        # Existing rows each get their own random code before the column becomes unique.
        migrations.AddField(
            model_name="letter",
            name="tracking_code",
            field=models.CharField(max_length=12, null=True, editable=False),
        ),
        migrations.RunPython(fill_tracking_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="letter",
            name="tracking_code",
            field=models.CharField(
                default=balai.letters.models.new_tracking_code, editable=False, max_length=12, unique=True
            ),
        ),
        migrations.AddConstraint(
            model_name="letter",
            constraint=models.UniqueConstraint(
                condition=models.Q(("idempotency_key", ""), _negated=True),
                fields=("village", "idempotency_key"),
                name="letter_idempotency_unique",
            ),
        ),
        migrations.CreateModel(
            name="LetterSignedPdf",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("pdf", models.BinaryField()),
                ("signed_at", models.DateTimeField(auto_now_add=True)),
                (
                    "letter",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="signed_pdf",
                        to="letters.letter",
                    ),
                ),
            ],
        ),
    ]
