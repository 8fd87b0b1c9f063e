"""The posyandu schedule now comes from the posyandu themselves (health): an announcement that
repeats it ("Jadwal posyandu …") is taken off the public page where the village's posyandu
have a schedule, so the two can no longer disagree. The rows are kept (unpublished): the
operator can read them and publish again what was more than the schedule."""

from django.db import migrations


def hide_schedule_posts(apps, schema_editor):
    Post = apps.get_model("portal", "Post")
    Posyandu = apps.get_model("health", "Posyandu")
    with_schedule = set(
        Posyandu.objects.filter(is_active=True).exclude(schedule="").values_list("village_id", flat=True)
    )
    Post.objects.filter(
        title__istartswith="jadwal posyandu", is_published=True, village_id__in=with_schedule
    ).update(is_published=False)


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_posts"), ("health", "0003_pregnancy_maternal_death")]
    operations = [migrations.RunPython(hide_schedule_posts, migrations.RunPython.noop)]
