# Devices, kiosk settings, residents' credentials and sign-in failures now live in the
# `devices` app, which took over their tables unchanged (see devices/0001_initial): kiosk
# forgets them, and its reports and letter requests point at devices.KioskDevice, all
# without touching the database.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("kiosk", "0001_kiosk_devices_pins_announcements"),
        ("devices", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="correctionreport",
                    name="device",
                    field=models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="devices.kioskdevice",
                    ),
                ),
                migrations.AlterField(
                    model_name="kioskletterrequest",
                    name="device",
                    field=models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="devices.kioskdevice",
                    ),
                ),
                migrations.DeleteModel(name="SignInFailure"),
                migrations.DeleteModel(name="ResidentCredential"),
                migrations.DeleteModel(name="KioskVillageSettings"),
                migrations.DeleteModel(name="KioskDevice"),
            ],
            database_operations=[],
        ),
    ]
