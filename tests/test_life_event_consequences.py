"""Data tunggal: one death reaches every module; cancelling it restores them (issue 15)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from balai.aid.models import Candidate, DistributionCycle, Entitlement, Programme, Recipient
from balai.aid.services import distribution as dist
from balai.aid.tests.distribution_fixtures import make_programme, signature_png
from balai.core.errors import ApplicationError
from balai.devices import services as devices
from balai.devices.models import ResidentCredential
from balai.education.models import Enrolment, School
from balai.health import services as health
from balai.health.models import Pregnancy
from balai.letters.models import Letter
from balai.people import codes, consequences, services
from balai.people.models import LifeEvent, ReviewItem
from balai.people.tests.factories import FamilyFactory, ResidentFactory
from balai.staff.models import Official

TODAY = timezone.localdate()


@pytest.fixture
def everything(village_a, operator_a, kades_a):
    """One woman who is an aid recipient with money waiting, pregnant, at school, an official
    who signs letters, a kiosk user, and the subject of a pending letter."""
    family = FamilyFactory(village=village_a)
    head = ResidentFactory(
        village=village_a, family=family, rt=family.rt, sex=1, family_relation=1, name="AYAH"
    )
    family.head = head
    family.save(update_fields=["head"])
    woman = ResidentFactory(
        village=village_a,
        family=family,
        rt=family.rt,
        sex=2,
        name="SRI LESTARI",
        birth_date=TODAY.replace(year=TODAY.year - 19) - dt.timedelta(days=40),
        family_relation=4,
    )
    programme = make_programme(
        village_a,
        name="BLT Lansia dan Disabilitas",
        code="blt-person",
        target_unit=Programme.TargetUnit.PERSON,
        period=str(TODAY.year),
        period_start=TODAY.replace(month=1, day=1),
        period_end=TODAY.replace(month=12, day=31),
    )
    recipient = Recipient.objects.create(
        village=village_a,
        programme=programme,
        period=programme.period,
        resident=woman,
        source=Recipient.Source.MANUAL,
        enrolled_on=programme.period_start,
    )
    cycle = dist.cycle_create(
        actor=operator_a,
        programme=programme,
        covers_start=programme.period_start,
        covers_end=programme.period_start.replace(month=3, day=31),
        planned_on=TODAY,
    )
    cycle = dist.cycle_transition(actor=kades_a, cycle=cycle, action="approve")
    pregnancy = health.pregnancy_register(
        actor=operator_a, village=village_a, mother=woman, lmp_date=TODAY - dt.timedelta(weeks=12)
    )
    school = School.objects.create(
        village=village_a, name="SMA N 1", npsn="20300001", level="sma", status="negeri"
    )
    enrolment = Enrolment.objects.create(
        village=village_a, resident=woman, school=school, level="sma", school_year=TODAY.year, grade=12,
        enrolled_year=TODAY.year - 2,
    )  # fmt: skip
    official = Official.objects.create(
        village=village_a, resident=woman, name=woman.name, position="Kaur Keuangan",
        signs_letters=True, signs_as="an", on_behalf_of="Kepala Desa",
    )  # fmt: skip
    devices.pin_issue(actor=operator_a, resident=woman)
    devices.card_register(actor=operator_a, resident=woman, uid="04A1B2C3D4")
    letter = Letter.objects.create(village=village_a, type_code="domisili", subject=woman, state="submitted")
    signed_by_her = Letter.objects.create(
        village=village_a, type_code="domisili", subject=head, state="verified", signer=official
    )
    return {
        "woman": woman,
        "head": head,
        "recipient": recipient,
        "cycle": cycle,
        "pregnancy": pregnancy,
        "enrolment": enrolment,
        "official": official,
        "letter": letter,
        "signed_by_her": signed_by_her,
    }


def _refresh(data):
    for value in data.values():
        value.refresh_from_db()


def test_death_reaches_every_module_and_cancelling_restores_it(everything, operator_a, village_a):
    d = everything
    woman = d["woman"]
    entitlement = Entitlement.objects.get(recipient=d["recipient"])
    assert entitlement.status == Entitlement.Status.PENDING

    event = services.death_record(actor=operator_a, resident=woman, event_date=TODAY)
    _refresh(d)
    entitlement.refresh_from_db()
    cred = ResidentCredential.objects.get(resident=woman)

    # Aid: the recipient is suspended, the money waiting is cancelled, and any attempt to pay refused.
    assert d["recipient"].status == Recipient.Status.SUSPENDED
    assert entitlement.status == Entitlement.Status.CANCELLED
    with pytest.raises(ValidationError):
        dist.distribution_record(
            actor=operator_a,
            entitlement=entitlement,
            distributed_on=TODAY,
            received_by="recipient",
            proof=dist.proof_from_signature(signature_png()),
        )
    # Health: the pregnancy ends as a maternal death; no new visit accepted.
    assert d["pregnancy"].outcome == Pregnancy.Outcome.MATERNAL_DEATH
    with pytest.raises(ApplicationError):
        health.antenatal_visit_record(actor=operator_a, pregnancy=d["pregnancy"], visited_on=TODAY)
    # Education, staff, kiosk, letters.
    assert d["enrolment"].status == Enrolment.Status.DECEASED
    assert not d["official"].is_active
    assert not d["official"].signs_letters
    assert cred.pin_disabled
    assert cred.card_digest == ""
    assert d["letter"].state == Letter.State.CANCELLED
    assert "Mati" in d["letter"].state_note
    assert d["signed_by_her"].state == "verified"  # another person's letter: only flagged

    # The event page lists what each module did; the review queue holds the decisions.
    event.refresh_from_db()
    modules = {c["module"] for c in event.consequences}
    assert {"aid", "health", "education", "staff", "devices", "letters"} <= modules
    titles = list(ReviewItem.objects.filter(village=village_a, state="open").values_list("module", flat=True))
    assert {"health", "staff", "letters"} <= set(titles)

    # Reversal restores the automatic consequences and closes the decisions.
    consequences.life_event_cancel(actor=operator_a, event=event, reason="Salah orang")
    _refresh(d)
    entitlement.refresh_from_db()
    cred.refresh_from_db()
    assert woman.status == codes.STATUS_ALIVE
    assert d["recipient"].status == Recipient.Status.ACTIVE
    assert entitlement.status == Entitlement.Status.PENDING
    assert d["pregnancy"].outcome == Pregnancy.Outcome.ONGOING
    assert d["enrolment"].status == Enrolment.Status.ACTIVE
    assert d["official"].is_active
    assert d["official"].signs_letters
    assert not cred.pin_disabled
    assert cred.card_digest
    assert d["letter"].state == "submitted"
    assert not ReviewItem.objects.filter(event=event, state="open").exists()
    with pytest.raises(ApplicationError, match="sudah dibatalkan"):
        consequences.life_event_cancel(actor=operator_a, event=event, reason="lagi")


def test_cancel_needs_a_reason(operator_a, resident_a):
    event = services.death_record(actor=operator_a, resident=resident_a, event_date=TODAY)
    with pytest.raises(ValidationError):
        consequences.life_event_cancel(actor=operator_a, event=event, reason="  ")


def test_a_failing_handler_rolls_the_event_back(operator_a, resident_a, monkeypatch):
    def broken(*, event, actor):
        raise ApplicationError("contoh gagal")

    real = consequences.collect_handlers

    def patched(module, attr):
        merged = dict(real(module, attr))
        merged["death"] = [*merged.get("death", []), broken]
        return merged

    monkeypatch.setattr(consequences, "collect_handlers", patched)
    with pytest.raises(ApplicationError, match="contoh gagal"):
        services.death_record(actor=operator_a, resident=resident_a, event_date=TODAY)
    resident_a.refresh_from_db()
    assert resident_a.status == codes.STATUS_ALIVE
    assert not LifeEvent.objects.filter(resident=resident_a, kind=LifeEvent.Kind.DEATH).exists()


def test_death_date_in_future_or_before_birth_is_refused(operator_a, resident_a):
    with pytest.raises(ValidationError):
        services.death_record(actor=operator_a, resident=resident_a, event_date=TODAY + dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.death_record(
            actor=operator_a, resident=resident_a, event_date=resident_a.birth_date - dt.timedelta(days=1)
        )
    assert not LifeEvent.objects.filter(resident=resident_a, kind=LifeEvent.Kind.DEATH).exists()


def test_head_of_family_recipient_continues_with_review(operator_a, village_a):
    family = FamilyFactory(village=village_a)
    head = ResidentFactory(village=village_a, family=family, rt=family.rt, sex=1, family_relation=1)
    ResidentFactory(village=village_a, family=family, rt=family.rt, sex=2, family_relation=3)
    family.head = head
    family.save(update_fields=["head"])
    programme = make_programme(village_a)
    rec = Recipient.objects.create(
        village=village_a, programme=programme, period=programme.period, family=family,
        source=Recipient.Source.MANUAL, enrolled_on=programme.period_start,
    )  # fmt: skip
    services.death_record(actor=operator_a, resident=head, event_date=TODAY)
    rec.refresh_from_db()
    assert rec.status == Recipient.Status.ACTIVE
    item = ReviewItem.objects.get(module="aid", state="open")
    assert "kepala keluarga baru" in item.title
    assert item.link.endswith(f"/{rec.public_id}/")


def test_birth_closes_the_mothers_pregnancy(operator_a, village_a):
    family = FamilyFactory(village=village_a)
    mother = ResidentFactory(
        village=village_a, family=family, rt=family.rt, sex=2, family_relation=1,
        birth_date=dt.date(1995, 3, 3),
    )  # fmt: skip
    pregnancy = health.pregnancy_register(
        actor=operator_a, village=village_a, mother=mother, lmp_date=TODAY - dt.timedelta(weeks=39)
    )
    baby = services.birth_record(
        actor=operator_a, family=family, data={"name": "BAYI", "sex": 1, "birth_date": TODAY}
    )
    pregnancy.refresh_from_db()
    assert pregnancy.outcome == Pregnancy.Outcome.LIVE_BIRTH
    assert pregnancy.baby == baby
    event = baby.events.get()
    assert any(c["module"] == "health" for c in event.consequences)


def test_transfer_moves_pregnancy_and_proposes_aid_in_new_village(operator_a, village_a, village_b):
    family = FamilyFactory(village=village_a)
    woman = ResidentFactory(
        village=village_a,
        family=family,
        rt=family.rt,
        sex=2,
        family_relation=1,
        birth_date=dt.date(1996, 1, 1),
    )
    programme = make_programme(village_a, code="blt-person", target_unit=Programme.TargetUnit.PERSON)
    make_programme(village_b, code="blt-person", target_unit=Programme.TargetUnit.PERSON)
    Recipient.objects.create(
        village=village_a, programme=programme, period=programme.period, resident=woman,
        source=Recipient.Source.MANUAL, enrolled_on=programme.period_start,
    )  # fmt: skip
    pregnancy = health.pregnancy_register(
        actor=operator_a, village=village_a, mother=woman, lmp_date=TODAY - dt.timedelta(weeks=10)
    )
    services.move_out_record(
        actor=operator_a, residents=[woman], event_date=TODAY, destination_village=village_b
    )
    pregnancy.refresh_from_db()
    assert pregnancy.village == village_b
    assert pregnancy.outcome == ""
    assert Recipient.objects.get(resident=woman).status == Recipient.Status.SUSPENDED
    candidate = Candidate.objects.get(village=village_b, resident=woman)
    assert candidate.status == Candidate.Status.PROPOSED
    assert ReviewItem.objects.filter(village=village_b, module="aid").exists()
    assert DistributionCycle.objects.count() == 0


def test_birth_mother_must_be_a_living_woman_and_unusual_age_is_a_warning(operator_a, village_a, resident_b):
    family = FamilyFactory(village=village_a)
    man = ResidentFactory(village=village_a, family=family, rt=family.rt, sex=1)
    data = {"name": "BAYI", "sex": 1, "birth_date": TODAY}
    with pytest.raises(ValidationError, match="perempuan"):
        services.birth_record(actor=operator_a, family=family, data=data, mother=man)
    with pytest.raises(ValidationError, match="perempuan"):
        services.birth_record(actor=operator_a, family=family, data=data, mother=resident_b)
    young = ResidentFactory(
        village=village_a, family=family, rt=family.rt, sex=2, birth_date=TODAY.replace(year=TODAY.year - 14)
    )
    with pytest.raises(services.NikWarning):
        services.birth_record(actor=operator_a, family=family, data=data, mother=young)
    assert not LifeEvent.objects.filter(kind=LifeEvent.Kind.BIRTH).exists()
    baby = services.birth_record(
        actor=operator_a, family=family, data=data, mother=young, accept_warnings=True
    )
    assert baby.mother_nik == young.nik
