import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from balai.audit.models import AuditEvent
from balai.staff import services
from balai.staff.models import Official
from balai.staff.selectors import official_get, official_list, signatories
from balai.staff.tests.factories import OfficialFactory

HEAD = {"name": "Sutrisno", "position": "Kepala Desa", "signs_letters": True, "signs_as": "own"}


def test_official_create_normalises_and_audits(village_a, operator_a):
    official = services.official_create(
        actor=operator_a,
        village=village_a,
        data={
            **HEAD,
            "nip": "19650101 199003 1 005",
            "on_behalf_of": "ignored",
            "term_start": dt.date(2021, 1, 1),
            "term_end": dt.date(2027, 1, 1),
        },
    )

    assert official.nip == "196501011990031005"
    assert official.on_behalf_of == ""  # signing in one's own name represents nobody
    event = AuditEvent.objects.get(action="official.created")
    assert (event.village, event.actor, event.object_id) == (village_a, operator_a, official.public_id)
    assert event.changes["term_start"] == "2021-01-01"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": ""}, "name"),
        ({"position": " "}, "position"),
        ({"nip": "12345"}, "nip"),
        ({"signs_as": ""}, "signs_as"),
        ({"signs_as": "xx"}, "signs_as"),
        ({"signs_as": "an", "on_behalf_of": ""}, "on_behalf_of"),
        ({"signs_as": "ub", "on_behalf_of": ""}, "on_behalf_of"),
        ({"term_start": dt.date(2025, 1, 1), "term_end": dt.date(2024, 1, 1)}, "term_end"),
        ({"order": 40000}, "order"),
    ],
)
def test_official_create_names_the_bad_field(village_a, operator_a, data, field):
    with pytest.raises(ValidationError) as exc:
        services.official_create(actor=operator_a, village=village_a, data={**HEAD, **data})

    assert field in exc.value.message_dict


def test_non_signer_keeps_no_signing_style(village_a, operator_a):
    official = services.official_create(
        actor=operator_a,
        village=village_a,
        data={
            "name": "Kaur",
            "position": "Kaur Umum",
            "signs_letters": False,
            "signs_as": "an",
            "on_behalf_of": "Kepala Desa",
        },
    )

    assert (official.signs_as, official.on_behalf_of) == ("", "")


def test_only_one_active_official_signs_in_own_name(village_a, village_b, operator_a):
    first = services.official_create(actor=operator_a, village=village_a, data=HEAD)

    with pytest.raises(ValidationError) as exc:
        services.official_create(actor=operator_a, village=village_a, data={**HEAD, "name": "Pj Kades"})
    assert "signs_as" in exc.value.message_dict

    # another village has its own head; after deactivation a new head may be entered
    OfficialFactory(village=village_b, signs_letters=True, signs_as="own")
    services.official_deactivate(actor=operator_a, official=first)
    services.official_create(actor=operator_a, village=village_a, data={**HEAD, "name": "Pj Kades"})


def test_official_update_records_changes(village_a, operator_a):
    official = OfficialFactory(village=village_a, name="SEKDES", position="Sekretaris Desa")

    services.official_update(
        actor=operator_a,
        official=official,
        data={"signs_letters": True, "signs_as": "an", "on_behalf_of": "Kepala Desa"},
    )

    official.refresh_from_db()
    assert (official.signs_as, official.on_behalf_of) == ("an", "Kepala Desa")
    event = AuditEvent.objects.get(action="official.updated")
    assert event.changes["signs_as"] == ["", "an"]


def test_official_deactivate_is_audited_once(village_a, operator_a):
    official = OfficialFactory(village=village_a)

    services.official_deactivate(actor=operator_a, official=official)
    services.official_deactivate(actor=operator_a, official=official)

    assert not Official.objects.get(pk=official.pk).is_active
    assert AuditEvent.objects.filter(action="official.deactivated").count() == 1


def test_signatories_are_active_signing_and_in_term(village_a, village_b):
    today = dt.date(2025, 6, 15)
    head = OfficialFactory(village=village_a, signs_letters=True, signs_as="own", order=1)
    sekdes = OfficialFactory(
        village=village_a,
        name="SEKDES",
        position="Sekretaris Desa",
        signs_letters=True,
        signs_as="an",
        on_behalf_of="Kepala Desa",
        order=2,
        term_end=dt.date(2030, 1, 1),
    )
    OfficialFactory(
        village=village_a,
        name="LAMA",
        signs_letters=True,
        signs_as="ub",
        on_behalf_of="Sekretaris Desa",
        term_end=dt.date(2024, 12, 31),
    )
    OfficialFactory(
        village=village_a,
        name="NANTI",
        signs_letters=True,
        signs_as="ub",
        on_behalf_of="Sekretaris Desa",
        term_start=dt.date(2026, 1, 1),
    )
    OfficialFactory(village=village_a, name="PENSIUN", signs_letters=True, signs_as="own", is_active=False)
    OfficialFactory(village=village_a, name="KAUR", position="Kaur Umum")
    OfficialFactory(village=village_b, name="KADES B", signs_letters=True, signs_as="own")

    assert list(signatories(village=village_a, on=today)) == [head, sekdes]


def test_another_villages_official_is_not_found(village_a, village_b):
    official_b = OfficialFactory(village=village_b)

    with pytest.raises(Official.DoesNotExist):
        official_get(village=village_a, public_id=official_b.public_id)
    assert list(official_list(village=village_a)) == []
