import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from balai.audit.models import AuditEvent
from balai.audit.services import audit_verify
from balai.people import codes, services
from balai.people.models import LifeEvent, Resident
from balai.people.selectors import possible_duplicates
from balai.people.tests.factories import ResidentFactory


def _data(**kw):
    base = {"nik": "3325014107900001", "name": "Siti Aminah", "sex": 2, "birth_date": dt.date(1990, 7, 1)}
    return base | kw


def test_register_writes_event_and_audit(operator_a, village_a, family_a):
    resident = services.resident_register(actor=operator_a, village=village_a, data=_data(), family=family_a)
    assert resident.name_key == "SITI AMINAH"
    assert LifeEvent.objects.filter(resident=resident, kind=LifeEvent.Kind.REGISTERED).exists()
    event = AuditEvent.objects.get(action="resident.created")
    assert event.actor == operator_a
    assert event.object_id == resident.public_id


def test_nik_mismatch_needs_acceptance(operator_a, village_a):
    data = _data(birth_date=dt.date(1991, 7, 1))
    with pytest.raises(services.NikWarning):
        services.resident_register(actor=operator_a, village=village_a, data=data)
    resident = services.resident_register(
        actor=operator_a, village=village_a, data=data, accept_warnings=True
    )
    assert resident.nik_mismatch_accepted


def test_one_living_nik_across_villages(operator_a, village_a, resident_b):
    with pytest.raises(ValidationError) as exc:
        services.resident_register(
            actor=operator_a,
            village=village_a,
            data=_data(nik=resident_b.nik, sex=resident_b.sex, birth_date=resident_b.birth_date),
        )
    assert "nik" in exc.value.message_dict


def test_birth_takes_parents_from_family(operator_a, family_a):
    father = ResidentFactory(village=family_a.village, family=family_a, sex=1, family_relation=1)
    mother = ResidentFactory(
        village=family_a.village, family=family_a, sex=2, family_relation=3, birth_date=dt.date(1990, 1, 2)
    )
    child = services.birth_record(
        actor=operator_a,
        family=family_a,
        data={"name": "Bayu", "sex": 1, "birth_date": dt.date(2026, 11, 1), "birth_place": "BATANG"},
    )
    assert child.nik.startswith("0")  # temporary until Dukcapil issues one
    assert child.father_nik == father.nik
    assert child.mother_name == mother.name
    assert child.family_relation == 4
    assert child.events.get().kind == LifeEvent.Kind.BIRTH


def test_death_sets_status_and_refuses_twice(operator_a, resident_a):
    services.death_record(actor=operator_a, resident=resident_a, event_date=dt.date(2026, 1, 5))
    resident_a.refresh_from_db()
    assert resident_a.status == codes.STATUS_DEAD
    with pytest.raises(Exception, match="tidak berstatus hidup"):
        services.death_record(actor=operator_a, resident=resident_a, event_date=dt.date(2026, 1, 6))


def test_transfer_within_regency_keeps_the_record(operator_a, resident_a, village_b):
    pk, family = resident_a.pk, resident_a.family
    services.move_out_record(
        actor=operator_a,
        residents=[resident_a],
        event_date=dt.date(2026, 2, 1),
        destination_village=village_b,
    )
    moved = Resident.objects.get(pk=pk)
    assert moved.village == village_b
    assert moved.status == codes.STATUS_ALIVE
    family.refresh_from_db()
    assert family.village == village_b  # the whole family moved with its only member
    kinds = set(moved.events.values_list("village__code", "kind"))
    assert kinds == {("33.25.01.2007", LifeEvent.Kind.MOVE_OUT), ("33.25.12.2007", LifeEvent.Kind.MOVE_IN)}


def test_move_out_elsewhere_sets_status_moved(operator_a, resident_a):
    services.move_out_record(
        actor=operator_a, residents=[resident_a], event_date=dt.date(2026, 2, 1), destination="Kota Semarang"
    )
    resident_a.refresh_from_db()
    assert resident_a.status == codes.STATUS_MOVED


def test_family_split(operator_a, family_a):
    head = ResidentFactory(village=family_a.village, family=family_a, family_relation=1)
    son = ResidentFactory(
        village=family_a.village, family=family_a, family_relation=4, birth_date=dt.date(1998, 5, 5)
    )
    new = services.family_split(actor=operator_a, residents=[son], head=son, kk_number="3325010505260001")
    son.refresh_from_db()
    assert son.family == new
    assert son.family_relation == 1
    assert new.head == son
    assert head.family_id == family_a.pk
    assert son.events.filter(kind=LifeEvent.Kind.FAMILY_SPLIT).exists()


def test_possible_duplicates_fuzzy_on_spelling(operator_a, village_a, family_a):
    a = ResidentFactory(
        village=village_a,
        family=family_a,
        name="MUHAMMAD RIZKI",
        mother_name="SITI",
        birth_date=dt.date(2001, 4, 4),
    )
    b = ResidentFactory(
        village=village_a,
        family=family_a,
        name="MUHAMAD RIZKY",
        mother_name="SITI",
        birth_date=dt.date(2001, 4, 4),
    )
    ResidentFactory(
        village=village_a,
        family=family_a,
        name="MUHAMMAD RIZKI",
        mother_name="AMINAH",
        birth_date=dt.date(2001, 4, 4),
    )
    pairs = possible_duplicates(village=village_a)
    assert [(p.first.pk, p.second.pk) for p in pairs] == [(a.pk, b.pk)]
    services.duplicate_dismiss(actor=operator_a, first=b, second=a)
    assert possible_duplicates(village=village_a) == []


def test_merge_marks_the_other_invalid(operator_a, village_a, family_a):
    a = ResidentFactory(village=village_a, family=family_a, name="ANI", birth_place="")
    b = ResidentFactory(village=village_a, family=family_a, name="ANIE", birth_place="BATANG")
    services.duplicate_merge(actor=operator_a, keep=a, remove=b)
    a.refresh_from_db()
    b.refresh_from_db()
    assert b.status == codes.STATUS_INVALID
    assert a.birth_place == "BATANG"


def test_audit_chain_detects_tampering(operator_a, village_a, resident_a):
    services.resident_update(actor=operator_a, resident=resident_a, data={"birth_place": "PEKALONGAN"})
    services.resident_viewed(actor=operator_a, resident=resident_a)
    checked, problems = audit_verify()
    assert checked >= 2
    assert problems == []
    AuditEvent.objects.filter(action="resident.updated").update(changes={"birth_place": ["X", "Y"]})
    _, problems = audit_verify()
    assert [p.message for p in problems] == ["content altered"]


def test_household_takes_the_heads_family(operator_a, family_a):
    head = ResidentFactory(village=family_a.village, family=family_a, family_relation=1)
    wife = ResidentFactory(
        village=family_a.village, family=family_a, family_relation=3, sex=2, birth_date=dt.date(1987, 2, 3)
    )
    household = services.household_create(actor=operator_a, head=head)
    wife.refresh_from_db()
    head.refresh_from_db()
    assert (head.household, head.household_relation) == (household, 1)
    assert (wife.household, wife.household_relation) == (household, 2)
    with pytest.raises(Exception, match="tidak dapat dikeluarkan"):
        services.household_set_members(actor=operator_a, household=household, add=[], remove=[head])
    services.household_set_members(actor=operator_a, household=household, add=[], remove=[wife])
    wife.refresh_from_db()
    assert wife.household is None


def test_transfer_refused_when_the_kk_exists_at_destination(operator_a, resident_a, village_b):
    from balai.core.errors import ApplicationError
    from balai.people.tests.factories import FamilyFactory

    FamilyFactory(village=village_b, kk_number=resident_a.family.kk_number)
    with pytest.raises(ApplicationError, match="sudah terdaftar di desa tujuan"):
        services.move_out_record(
            actor=operator_a,
            residents=[resident_a],
            event_date=dt.date(2026, 2, 1),
            destination_village=village_b,
        )
    resident_a.refresh_from_db()
    assert resident_a.village_id != village_b.pk


def test_one_nik_is_one_living_resident_and_any_number_of_former_ones(village_a, village_b):
    # given: a NIK held by a dead resident and a moved-out one, in two villages
    from django.db import IntegrityError, transaction

    nik = "3325150101900001"
    ResidentFactory(village=village_a, nik=nik, status=codes.STATUS_DEAD)
    ResidentFactory(village=village_b, nik=nik, status=codes.STATUS_MOVED)

    # when: one living resident takes it
    living = ResidentFactory(village=village_b, nik=nik, status=codes.STATUS_ALIVE)

    # then: a second living one is refused, in any village, and so is bringing a former one back
    for village in (village_a, village_b):
        with pytest.raises(IntegrityError), transaction.atomic():
            ResidentFactory(village=village, nik=nik, status=codes.STATUS_ALIVE)
    dead = Resident.objects.get(village=village_a, nik=nik)
    dead.status = codes.STATUS_ALIVE
    with pytest.raises(IntegrityError), transaction.atomic():
        dead.save(update_fields=["status"])
    # once the living one has died, the former one may live again
    living.status = codes.STATUS_DEAD
    living.save(update_fields=["status"])
    dead.save(update_fields=["status"])
    assert Resident.objects.filter(nik=nik, status=codes.STATUS_ALIVE).get() == dead
    assert Resident.objects.filter(nik=nik).count() == 3


def test_a_village_whose_temporary_numbers_are_used_up_is_told_so(operator_a, village_a, family_a):
    # given: the village's last temporary NIK and KK number taken
    last = "0" + village_a.code_digits + "99999"
    ResidentFactory(village=village_a, nik=last)
    family_a.kk_number = last
    family_a.save(update_fields=["kk_number"])

    # when / then: a resident without a NIK, a family without a number, are refused on that field
    with pytest.raises(ValidationError) as exc:
        services.resident_register(actor=operator_a, village=village_a, data=_data(nik=""))
    assert "sudah habis" in exc.value.message_dict["nik"][0]
    with pytest.raises(ValidationError) as exc:
        services.family_create(actor=operator_a, village=village_a)
    assert "sudah habis" in exc.value.message_dict["kk_number"][0]
