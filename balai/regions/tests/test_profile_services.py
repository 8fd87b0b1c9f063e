import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from balai.accounts.scope import scope_for
from balai.audit.models import AuditEvent
from balai.people.tests.factories import DusunFactory
from balai.regions import services
from balai.regions.models import Rt, Village


def _png(size=(64, 64)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


def _actions(village):
    return list(AuditEvent.objects.filter(village=village).values_list("action", flat=True))


def test_village_profile_update_saves_and_audits(village_a, operator_a):
    services.village_profile_update(
        actor=operator_a,
        village=village_a,
        data={
            "address": "  Jl. Raya   Brokoh 1 ",
            "postal_code": "51253",
            "email": "Desa@Brokoh.id",
            "phone": "(0285) 123-456",
            "head_name": "SUTRISNO",
        },
        logo=_png(),
    )

    village_a.refresh_from_db()
    assert village_a.address == "Jl. Raya Brokoh 1"
    assert village_a.email == "desa@brokoh.id"
    assert village_a.logo.name.startswith("logos/3325012007")
    event = AuditEvent.objects.get(village=village_a, action="village.profile_updated")
    assert event.actor == operator_a
    assert event.changes["postal_code"] == ["", "51253"]
    assert "logo" in event.changes


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"postal_code": "5125"}, "postal_code"),
        ({"email": "bukan-email"}, "email"),
        ({"phone": "telepon saya"}, "phone"),
        ({"head_name": "X" * 121}, "head_name"),
    ],
)
def test_village_profile_update_names_the_bad_field(village_a, operator_a, data, field):
    with pytest.raises(ValidationError) as exc:
        services.village_profile_update(actor=operator_a, village=village_a, data=data)

    assert field in exc.value.message_dict


def test_logo_must_be_an_image(village_a, operator_a):
    fake = SimpleUploadedFile("logo.png", b"<svg onload='alert(1)'/>", content_type="image/png")

    with pytest.raises(ValidationError) as exc:
        services.village_profile_update(actor=operator_a, village=village_a, data={}, logo=fake)

    assert "gambar" in exc.value.message_dict["logo"][0]
    village_a.refresh_from_db()
    assert not village_a.logo


def test_logo_over_one_megabyte_is_refused(village_a, operator_a):
    big = _png()
    big.size = 1024 * 1024 + 1

    with pytest.raises(ValidationError) as exc:
        services.village_profile_update(actor=operator_a, village=village_a, data={}, logo=big)

    assert "1 MB" in exc.value.message_dict["logo"][0]


def test_logo_can_be_removed(village_a, operator_a):
    services.village_profile_update(actor=operator_a, village=village_a, data={}, logo=_png())

    services.village_profile_update(actor=operator_a, village=village_a, data={}, remove_logo=True)

    village_a.refresh_from_db()
    assert not village_a.logo


def test_dusun_create_normalises_and_refuses_duplicates(village_a, operator_a):
    dusun = services.dusun_create(
        actor=operator_a, village=village_a, name=" dusun  krajan ", head_name="Pak Kadus"
    )

    assert dusun.name == "KRAJAN"
    with pytest.raises(ValidationError) as exc:
        services.dusun_create(actor=operator_a, village=village_a, name="Krajan")
    assert "name" in exc.value.message_dict
    assert "dusun.created" in _actions(village_a)


def test_same_dusun_name_is_fine_in_another_village(village_a, village_b, operator_a, operator_b):
    services.dusun_create(actor=operator_a, village=village_a, name="KRAJAN")

    services.dusun_create(actor=operator_b, village=village_b, name="KRAJAN")


def test_dusun_update_renames_and_audits(village_a, operator_a):
    dusun = services.dusun_create(actor=operator_a, village=village_a, name="KRAJAN")

    services.dusun_update(actor=operator_a, dusun=dusun, name="Krajan Lor", head_name="BU KADUS")

    dusun.refresh_from_db()
    assert (dusun.name, dusun.head_name) == ("KRAJAN LOR", "BU KADUS")
    event = AuditEvent.objects.get(action="dusun.updated")
    assert event.changes["name"] == ["KRAJAN", "KRAJAN LOR"]


def test_rt_create_pads_numbers_and_refuses_duplicates(village_a, operator_a):
    dusun = DusunFactory(village=village_a, name="KRAJAN")

    unit = services.rt_create(actor=operator_a, village=village_a, dusun=dusun, rw="2", rt="3")

    assert (unit.rw, unit.rt) == ("002", "003")
    with pytest.raises(ValidationError) as exc:
        services.rt_create(actor=operator_a, village=village_a, dusun=dusun, rw="002", rt="03")
    assert "rt" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.rt_create(actor=operator_a, village=village_a, dusun=dusun, rw="", rt="1")
    assert "rw" in exc.value.message_dict


def test_rt_cannot_use_another_villages_dusun(village_a, village_b, operator_a):
    foreign = DusunFactory(village=village_b, name="KRAJAN")

    with pytest.raises(ValidationError) as exc:
        services.rt_create(actor=operator_a, village=village_a, dusun=foreign, rw="1", rt="1")

    assert "dusun" in exc.value.message_dict
    assert not Rt.objects.filter(village=village_a).exists()


def test_rt_update_renames_and_moves(village_a, operator_a):
    krajan = DusunFactory(village=village_a, name="KRAJAN")
    lor = DusunFactory(village=village_a, name="LOR")
    unit = services.rt_create(actor=operator_a, village=village_a, dusun=krajan, rw="1", rt="1")

    services.rt_update(actor=operator_a, unit=unit, dusun=lor, rw="4", rt="5", head_name="PAK RT")

    unit.refresh_from_db()
    assert (unit.dusun, unit.rw, unit.rt, unit.head_name) == (lor, "004", "005", "PAK RT")
    event = AuditEvent.objects.get(action="rt.updated")
    assert event.changes["dusun"] == ["KRAJAN", "LOR"]


def test_village_add_creates_from_the_region_list(regency_viewer):
    village = services.village_add(actor=regency_viewer, code="33.25.08.2008")

    assert (village.name, village.district_name, village.regency_name) == (
        "Kepuh",
        "Limpung",
        "Kabupaten Batang",
    )
    assert "village.created" in _actions(village)


@pytest.mark.parametrize("code", ["33.25.99.9999", "33.26.01.2001", "33.25.01"])
def test_village_add_refuses_codes_outside_the_regency(regency_viewer, code):
    with pytest.raises(ValidationError) as exc:
        services.village_add(actor=regency_viewer, code=code)

    assert "code" in exc.value.message_dict
    assert not Village.objects.filter(code=code).exists()


def test_village_add_refuses_a_served_village_and_revives_a_deactivated_one(regency_viewer, village_a):
    with pytest.raises(ValidationError):
        services.village_add(actor=regency_viewer, code=village_a.code)

    services.village_deactivate(actor=regency_viewer, village=village_a)
    again = services.village_add(actor=regency_viewer, code=village_a.code)

    assert again.pk == village_a.pk
    assert again.is_active
    assert _actions(village_a)[-2:] == ["village.deactivated", "village.reactivated"]


def test_village_deactivate_locks_its_users_out(regency_viewer, village_a, operator_a):
    services.village_deactivate(actor=regency_viewer, village=village_a)

    operator_a.refresh_from_db()
    assert scope_for(operator_a).level == ""
