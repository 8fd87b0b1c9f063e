"""As portal 0002: the kiosk shows the posyandu schedule from the posyandu themselves, so an
announcement repeating it is hidden (kept) where the village's posyandu have a schedule."""

from django.db import migrations


def hide_schedule_announcements(apps, schema_editor):
    Announcement = apps.get_model("kiosk", "Announcement")
    Posyandu = apps.get_model("health", "Posyandu")
    with_schedule = set(
        Posyandu.objects.filter(is_active=True).exclude(schedule="").values_list("village_id", flat=True)
    )
    Announcement.objects.filter(
        title__istartswith="jadwal posyandu", is_active=True, village_id__in=with_schedule
    ).update(is_active=False)


class Migration(migrations.Migration):
    dependencies = [("kiosk", "0003_help_call"), ("health", "0003_pregnancy_maternal_death")]
    operations = [migrations.RunPython(hide_schedule_announcements, migrations.RunPython.noop)]
