"""The kepala dusun is the official holding the dusun's kadus post, appointed by decree: the
village profile shows that name (linked), a vacant post as vacant, and a typed name nobody
linked yet apart; the migration links typed names that are officials and keeps the others."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from balai.regions import services as regions
from balai.regions.models import Dusun
from balai.staff import careers
from balai.staff.models import OfficialProfile, Position
from balai.staff.selectors import dusun_heads
from balai.staff.tests.factories import OfficialFactory

pytestmark = pytest.mark.django_db
MIGRATION = "balai.staff.migrations.0008_dusun_heads_linked"


@pytest.fixture
def krajan(village_a, operator_a):
    return regions.dusun_create(actor=operator_a, village=village_a, name="Krajan")


def _kadus_post(village, dusun) -> Position:
    return Position.objects.get(village=village, kind=Position.Kind.KADUS, dusun=dusun)


def test_the_profile_shows_the_official_appointed_to_the_dusuns_post(client_a, village_a, operator_a, krajan):
    # given the standard posts (one kepala dusun per dusun, linked to it) and a second dusun
    # whose name was typed by an import
    careers.positions_seed_standard(actor=operator_a, village=village_a)
    lor = regions.dusun_create(actor=operator_a, village=village_a, name="Lor", head_name="PAK LAMA")
    official = OfficialFactory(village=village_a, name="Sugeng Riyadi", position="Staf")
    # when the decree appoints an official to Krajan's post
    careers.decree_record(
        actor=operator_a,
        village=village_a,
        official=official,
        data={
            "kind": "angkat",
            "number": "141/07/2025",
            "date": dt.date(2025, 3, 1),
            "signer": "Kepala Desa",
            "position": _kadus_post(village_a, krajan).public_id,
        },
    )
    # then the profile names him as Krajan's head; Lor's typed name is shown as not appointed
    page = client_a.get(reverse("regions:profile")).content.decode()
    assert "Sugeng Riyadi" in page
    assert "PAK LAMA" in page
    assert "belum ditetapkan sebagai perangkat desa" in page
    assert dusun_heads(village=village_a)[krajan.pk] == "Sugeng Riyadi"
    # and the dusun form no longer takes a typed name: saving keeps the old one untouched
    client_a.post(reverse("regions:dusun_edit", args=[lor.pk]), {"name": "Lor", "head_name": "ORANG LAIN"})
    assert Dusun.objects.get(pk=lor.pk).head_name == "PAK LAMA"


def test_a_kadus_post_belongs_to_one_dusun(village_a, operator_a, krajan):
    with pytest.raises(ValidationError) as err:
        careers.position_create(
            actor=operator_a, village=village_a, data={"kind": "kadus", "title": "Kadus A"}
        )
    assert "dusun" in err.value.message_dict
    careers.position_create(
        actor=operator_a,
        village=village_a,
        data={"kind": "kadus", "title": "Kadus Krajan", "dusun": krajan.pk},
    )
    with pytest.raises(ValidationError, match="sudah punya"):
        careers.position_create(
            actor=operator_a,
            village=village_a,
            data={"kind": "kadus", "title": "Kadus 2", "dusun": krajan.pk},
        )
    with pytest.raises(ValidationError) as err:
        careers.position_create(
            actor=operator_a, village=village_a, data={"kind": "kasi", "title": "Kasi X", "dusun": krajan.pk}
        )
    assert "dusun" in err.value.message_dict


def test_the_migration_links_typed_names_of_officials_and_keeps_the_others(village_a, operator_a, capsys):
    # given three dusun with typed heads and their kadus posts, made before posts had a dusun
    names = {"Krajan": "  sugeng   RIYADI ", "Lor": "BUKAN PERANGKAT", "Kidul": "Siti Aminah"}
    for dusun, head in names.items():
        regions.dusun_create(actor=operator_a, village=village_a, name=dusun, head_name=head)
        Position.objects.create(village=village_a, kind="kadus", title=f"Kepala Dusun {dusun}", order=30)
    OfficialFactory(village=village_a, name="Sugeng Riyadi", position="Staf")
    siti = OfficialFactory(village=village_a, name="Siti Aminah", position="Kaur Umum")
    kaur = Position.objects.create(village=village_a, kind="kaur", title="Kaur Umum", order=10)
    OfficialProfile.objects.create(village=village_a, official=siti, post=kaur)
    # when the migration runs
    importlib.import_module(MIGRATION).link_dusun_heads(apps, None)
    # then every kadus post knows its dusun; the official's typed name is linked (post taken,
    # text cleared); a non-official and an official holding another post stay typed
    dusuns = {d.name: d for d in Dusun.objects.filter(village=village_a)}
    assert all(p.dusun_id for p in Position.objects.filter(village=village_a, kind="kadus"))
    heads = dusun_heads(village=village_a)
    assert heads[dusuns["KRAJAN"].pk] == "Sugeng Riyadi"
    assert dusuns["KRAJAN"].head_name == ""
    assert heads[dusuns["LOR"].pk] == ""
    assert dusuns["LOR"].head_name == "BUKAN PERANGKAT"
    assert dusuns["KIDUL"].head_name == "Siti Aminah"
    assert "1 nama tertaut" in capsys.readouterr().out
