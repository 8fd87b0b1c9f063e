"""The kepala dusun was typed as free text on the dusun (regions.Dusun.head_name) beside the
staff module's kadus posts, and the two could name different people. From now on the dusun's
head is whoever holds its kadus post. This migration

- links each kadus post to its dusun by the title the standard seeding gives it
  ("Kepala Dusun <name>");
- links the typed name where it is an active official of the village: the official already
  holds that dusun's post, or holds no post while the post is vacant (then the official takes
  it, as the typed name said). The typed name is then cleared;
- keeps every other typed name (no official of that name, or the post held by someone else)
  and reports how many: the village profile shows them as "tercatat, belum ditetapkan" until
  the office records the decree.
"""

from django.db import migrations


def _norm(name: str) -> str:
    return " ".join(name.split()).casefold()


def link_dusun_heads(apps, schema_editor):
    Dusun = apps.get_model("regions", "Dusun")
    Position = apps.get_model("staff", "Position")
    Official = apps.get_model("staff", "Official")
    OfficialProfile = apps.get_model("staff", "OfficialProfile")

    dusuns = {(d.village_id, _norm(d.name)): d for d in Dusun.objects.all()}
    for post in Position.objects.filter(kind="kadus", dusun__isnull=True):
        title = _norm(post.title)
        prefix = "kepala dusun "
        if title.startswith(prefix) and (post.village_id, title[len(prefix) :]) in dusuns:
            post.dusun = dusuns[(post.village_id, title[len(prefix) :])]
            post.save(update_fields=["dusun"])

    linked = kept = 0
    for dusun in Dusun.objects.exclude(head_name=""):
        post = Position.objects.filter(kind="kadus", dusun=dusun, is_active=True).first()
        officials = [
            o for o in Official.objects.filter(village_id=dusun.village_id, is_active=True)
            if _norm(o.name) == _norm(dusun.head_name)
        ]
        if post is None or len(officials) != 1:
            kept += 1
            continue
        official = officials[0]
        holder = OfficialProfile.objects.filter(post=post, official__is_active=True).first()
        profile = OfficialProfile.objects.filter(official=official).first()
        if holder is not None and holder.official_id != official.pk:
            kept += 1
            continue
        if holder is None:
            if profile is not None and profile.post_id is not None:
                kept += 1  # holds another post: moving them takes a decree
                continue
            if profile is None:
                profile = OfficialProfile(village_id=official.village_id, official=official)
            profile.post = post
            profile.save()
            Official.objects.filter(pk=official.pk).update(position=post.title)
        Dusun.objects.filter(pk=dusun.pk).update(head_name="")
        linked += 1
    if linked or kept:
        print(  # noqa: T201 - a migration's report to whoever runs it
            f"\n  Kepala dusun: {linked} nama tertaut ke perangkat desa; {kept} nama tetap tercatat "
            "sebagai teks (bukan perangkat desa atau jabatannya dipegang orang lain): lihat Profil desa."
        )


class Migration(migrations.Migration):
    dependencies = [("staff", "0007_position_dusun"), ("regions", "0002_village_office_coordinates")]
    operations = [migrations.RunPython(link_dusun_heads, migrations.RunPython.noop)]
