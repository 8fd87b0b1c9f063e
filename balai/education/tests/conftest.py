import datetime as dt

import pytest
from django.core.cache import cache

from balai.education import services
from balai.people.tests.factories import ResidentFactory

# A fixed reference date in the school year 2026/2027.
DAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The regional counts are cached per set of village ids, and ids repeat across tests.
    cache.clear()
    yield
    cache.clear()


def born_aged(years: int, *, days_after_birthday: int = 10, day: dt.date = DAY) -> dt.date:
    birthday = day.replace(year=day.year - years)
    return birthday - dt.timedelta(days=days_after_birthday)


@pytest.fixture
def make_child(family_a):
    def make(name: str, *, age: int = 10, village=None, family=None, **kw):
        fam = family or family_a
        return ResidentFactory(
            village=village or fam.village,
            family=fam,
            rt=fam.rt,
            name=name,
            birth_date=kw.pop("birth_date", None) or born_aged(age),
            family_relation=4,
            marital_status=1,
            education_kk=kw.pop("education_kk", 2),
            education_current=kw.pop("education_current", 4),
            **kw,
        )

    return make


@pytest.fixture
def school_sd(operator_a, village_a):
    return services.school_create(
        actor=operator_a,
        village=village_a,
        data={"name": "SD NEGERI 1 BROKOH", "npsn": "20312345", "level": "sd", "status": "negeri"},
    )


@pytest.fixture
def school_smp(operator_a, village_a):
    return services.school_create(
        actor=operator_a,
        village=village_a,
        data={"name": "SMP NEGERI 1 WONOTUNGGAL", "npsn": "20312346", "level": "smp", "status": "negeri"},
    )


@pytest.fixture
def school_sma(operator_a, village_a):
    return services.school_create(
        actor=operator_a,
        village=village_a,
        data={"name": "SMA NEGERI 1 WONOTUNGGAL", "npsn": "20312347", "level": "sma", "status": "negeri"},
    )


@pytest.fixture
def school_paud(operator_a, village_a):
    return services.school_create(
        actor=operator_a,
        village=village_a,
        data={"name": "TK PERTIWI BROKOH", "npsn": "69912345", "level": "paud", "status": "swasta"},
    )


@pytest.fixture
def enrol(operator_a, village_a):
    def do(child, school, year, grade, status="aktif"):
        return services.enrolment_record(
            actor=operator_a,
            village=village_a,
            resident=child,
            school=school,
            school_year=year,
            grade=grade,
            enrolled_year=min(year, 2020),
            status=status,
            today=DAY,
        )

    return do
