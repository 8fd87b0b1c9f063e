import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from balai.audit.models import AuditEvent
from balai.core.errors import ApplicationError
from balai.health import selectors, services
from balai.health.models import Pregnancy
from balai.people.tests.factories import FamilyFactory, ResidentFactory

D = dt.date


@pytest.fixture
def mother_a(village_a, family_a1):
    return ResidentFactory(
        village=village_a,
        family=family_a1,
        rt=family_a1.rt,
        name="SRI WAHYUNI",
        sex=2,
        birth_date=D(1996, 3, 3),
        family_relation=3,
    )


@pytest.fixture
def pregnancy_a(bidan_a, village_a, mother_a, today):
    return services.pregnancy_register(
        actor=bidan_a, village=village_a, mother=mother_a, lmp_date=today - dt.timedelta(days=100), gravida=2
    )


@pytest.mark.parametrize(
    ("lmp", "due"),
    [
        (D(2026, 1, 10), D(2026, 10, 17)),
        (D(2026, 5, 28), D(2027, 3, 4)),  # +7 days carries into June, then +9 months
        (D(2026, 12, 25), D(2027, 10, 1)),  # carries into the next year
        (D(2026, 5, 24), D(2027, 2, 28)),  # 31 May + 9 months: end of February
    ],
)
def test_naegele_due_date(lmp, due):
    assert services.naegele_due_date(lmp) == due


def test_register_sets_due_date_and_audits(pregnancy_a):
    assert pregnancy_a.due_date == services.naegele_due_date(pregnancy_a.lmp_date)
    assert AuditEvent.objects.filter(action="pregnancy.registered", object_id=pregnancy_a.public_id).exists()


def test_register_refuses_men_a_second_ongoing_pregnancy_and_odd_dates(
    bidan_a, village_a, family_a1, mother_a, pregnancy_a, today
):
    man = ResidentFactory(village=village_a, family=family_a1, sex=1, birth_date=D(1990, 1, 1))

    with pytest.raises(ValidationError) as male:
        services.pregnancy_register(actor=bidan_a, village=village_a, mother=man, lmp_date=today)
    with pytest.raises(ValidationError) as twice:
        services.pregnancy_register(actor=bidan_a, village=village_a, mother=mother_a, lmp_date=today)
    other = ResidentFactory(village=village_a, family=family_a1, sex=2, birth_date=D(1995, 1, 1))
    with pytest.raises(ValidationError) as old:
        services.pregnancy_register(
            actor=bidan_a, village=village_a, mother=other, lmp_date=today - dt.timedelta(days=400)
        )
    with pytest.raises(ValidationError) as future:
        services.pregnancy_register(
            actor=bidan_a, village=village_a, mother=other, lmp_date=today + dt.timedelta(days=1)
        )

    assert "mother" in male.value.message_dict
    assert "sudah punya" in twice.value.message_dict["mother"][0]
    assert "lmp_date" in old.value.message_dict
    assert "lmp_date" in future.value.message_dict


def test_register_refuses_a_woman_of_another_village(bidan_a, village_a, resident_b, today):
    with pytest.raises(ApplicationError):
        services.pregnancy_register(actor=bidan_a, village=village_a, mother=resident_b, lmp_date=today)


def test_visits_are_numbered_by_date_and_flag_kek_anaemia_hypertension(bidan_a, pregnancy_a, today):
    # given: K2 entered first, then an earlier visit entered late
    later = services.antenatal_visit_record(
        actor=bidan_a,
        pregnancy=pregnancy_a,
        visited_on=today - dt.timedelta(days=5),
        muac_cm="23,4",
        hb_g_dl="10.5",
        bp_systolic=145,
        bp_diastolic=85,
        iron_tablets=30,
    )
    earlier = services.antenatal_visit_record(
        actor=bidan_a,
        pregnancy=pregnancy_a,
        visited_on=today - dt.timedelta(days=40),
        muac_cm="23.5",
        hb_g_dl="11",
    )

    # then
    later.refresh_from_db()
    assert (earlier.number, later.number) == (1, 2)
    assert later.flags == "kek;anemia;hipertensi"
    assert earlier.flags == ""  # 23.5 cm and 11 g/dL are the limits, not below
    assert selectors.pregnancy_risks(pregnancy=pregnancy_a) == ["kek", "anemia", "hipertensi"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"muac_cm": "abc"}, "muac_cm"),
        ({"hb_g_dl": "40"}, "hb_g_dl"),
        ({"bp_systolic": 120}, "bp_diastolic"),
        ({"bp_systolic": 80, "bp_diastolic": 90}, "bp_diastolic"),
        ({"iron_tablets": 500}, "iron_tablets"),
    ],
)
def test_visit_bad_input_names_the_field(bidan_a, pregnancy_a, today, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        services.antenatal_visit_record(actor=bidan_a, pregnancy=pregnancy_a, visited_on=today, **kwargs)

    assert field in exc.value.message_dict


def test_age_and_parity_risks(bidan_a, village_a, family_a1, today):
    young = ResidentFactory(
        village=village_a, family=family_a1, sex=2, birth_date=today - dt.timedelta(days=365 * 17)
    )
    p = services.pregnancy_register(actor=bidan_a, village=village_a, mother=young, lmp_date=today, gravida=4)

    assert selectors.pregnancy_risks(pregnancy=p) == ["terlalu_muda", "terlalu_banyak"]


def test_birth_from_the_registry_links_to_the_pregnancy(bidan_a, village_a, mother_a, pregnancy_a, today):
    # given: the operator recorded the birth in the registry (mother's NIK on the baby)
    baby = ResidentFactory(
        village=village_a,
        family=mother_a.family,
        sex=1,
        birth_date=today - dt.timedelta(days=2),
        mother_nik=mother_a.nik,
        family_relation=4,
    )
    pregnancy_a.lmp_date = today - dt.timedelta(days=270)
    pregnancy_a.save()

    # when
    assert selectors.birth_candidates(village=village_a, pregnancy=pregnancy_a) == [baby]
    services.pregnancy_link_birth(actor=bidan_a, pregnancy=pregnancy_a, baby=baby)

    # then
    pregnancy_a.refresh_from_db()
    assert pregnancy_a.outcome == Pregnancy.Outcome.LIVE_BIRTH
    assert pregnancy_a.outcome_date == baby.birth_date
    assert pregnancy_a.baby == baby
    assert selectors.birth_candidates(village=village_a, pregnancy=pregnancy_a) == [baby]  # its own stays


def test_a_baby_of_another_mother_or_village_is_refused(bidan_a, village_a, village_b, pregnancy_a, today):
    pregnancy_a.lmp_date = today - dt.timedelta(days=270)
    pregnancy_a.save()
    stranger = ResidentFactory(village=village_a, family=FamilyFactory(village=village_a), birth_date=today)
    far = ResidentFactory(village=village_b, birth_date=today)

    with pytest.raises(ValidationError) as exc:
        services.pregnancy_link_birth(actor=bidan_a, pregnancy=pregnancy_a, baby=stranger)
    with pytest.raises(ApplicationError):
        services.pregnancy_link_birth(actor=bidan_a, pregnancy=pregnancy_a, baby=far)

    assert (
        "bukan" in exc.value.message_dict["baby"][0] or "tidak tercatat" in exc.value.message_dict["baby"][0]
    )
    pregnancy_a.refresh_from_db()
    assert pregnancy_a.outcome == ""


def test_closed_pregnancy_takes_no_more_visits(bidan_a, pregnancy_a, today):
    services.pregnancy_close(actor=bidan_a, pregnancy=pregnancy_a, outcome="keguguran", outcome_date=today)

    with pytest.raises(ApplicationError):
        services.antenatal_visit_record(actor=bidan_a, pregnancy=pregnancy_a, visited_on=today)
    assert not selectors.pregnancy_list(village=pregnancy_a.village).exists()
    assert list(selectors.pregnancy_list(village=pregnancy_a.village, ongoing=False)) == [pregnancy_a]
