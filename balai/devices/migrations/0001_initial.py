# Kiosk devices and residents' kiosk credentials move here from `kiosk` with their tables
# (kiosk_*): only Django's model state changes, the database is left as it is.

import balai.core.ids
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('kiosk', '0001_kiosk_devices_pins_announcements'),
        ('people', '0002_import_job_worker'),
        ('regions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='KioskDevice',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('public_id', models.CharField(default=balai.core.ids.new_public_id, editable=False, max_length=16, unique=True)),
                        ('label', models.CharField(max_length=80, verbose_name='nama anjungan')),
                        ('idle_seconds', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='batas diam (detik)')),
                        ('enrol_code_hash', models.CharField(blank=True, db_index=True, max_length=64)),
                        ('enrol_code_expires_at', models.DateTimeField(blank=True, null=True)),
                        ('credential_hash', models.CharField(blank=True, db_index=True, max_length=64)),
                        ('enrolled_at', models.DateTimeField(blank=True, null=True)),
                        ('last_seen_at', models.DateTimeField(blank=True, null=True)),
                        ('is_active', models.BooleanField(default=True, verbose_name='aktif')),
                        ('sign_in_throttled_until', models.DateTimeField(blank=True, null=True)),
                        ('sign_in_blocked', models.BooleanField(default=False)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('village', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.village')),
                    ],
                    options={
                        'db_table': 'kiosk_kioskdevice',
                        'verbose_name': 'anjungan',
                        'ordering': ['label', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='KioskVillageSettings',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('idle_seconds', models.PositiveSmallIntegerField(default=60, verbose_name='batas diam (detik)')),
                        ('village', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.village')),
                    ],
                    options={
                        'db_table': 'kiosk_kioskvillagesettings',
                        'verbose_name': 'pengaturan anjungan desa',
                    },
                ),
                migrations.CreateModel(
                    name='ResidentCredential',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('pin_hash', models.CharField(blank=True, max_length=255)),
                        ('must_change_pin', models.BooleanField(default=True)),
                        ('pin_set_at', models.DateTimeField(blank=True, null=True)),
                        ('failed_count', models.PositiveSmallIntegerField(default=0)),
                        ('locked_until', models.DateTimeField(blank=True, null=True)),
                        ('pin_disabled', models.BooleanField(default=False)),
                        ('card_digest', models.CharField(blank=True, max_length=64)),
                        ('last_sign_in_at', models.DateTimeField(blank=True, null=True)),
                        ('pin_set_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('resident', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='people.resident')),
                        ('village', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.village')),
                    ],
                    options={
                        'db_table': 'kiosk_residentcredential',
                        'constraints': [models.UniqueConstraint(condition=models.Q(('card_digest', ''), _negated=True), fields=('card_digest',), name='kiosk_card_digest_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='SignInFailure',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('subject_digest', models.CharField(max_length=64)),
                        ('at', models.DateTimeField(db_index=True)),
                        ('device', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='devices.kioskdevice')),
                    ],
                    options={
                        'db_table': 'kiosk_signinfailure',
                        'indexes': [models.Index(fields=['device', 'at'], name='kiosk_failure_device_at')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
