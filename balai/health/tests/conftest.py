"""Health fixtures: a child, a posyandu with a session, in village A (and B for isolation)."""

import datetime as dt

import pytest
from django.utils import timezone

from balai.accounts.models import Role, User
from balai.health import services
from balai.people.tests.factories import DusunFactory, FamilyFactory, ResidentFactory, RtFactory


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def dusun_a(village_a):
    return DusunFactory(village=village_a, name="KRAJAN")


@pytest.fixture
def rt_a1(village_a, dusun_a):
    return RtFactory(village=village_a, dusun=dusun_a, rw="001", rt="001")


@pytest.fixture
def rt_a2(village_a):
    return RtFactory(
        village=village_a, dusun=DusunFactory(village=village_a, name="SILEMAH"), rw="002", rt="001"
    )


@pytest.fixture
def family_a1(village_a, rt_a1):
    return FamilyFactory(village=village_a, rt=rt_a1)


def make_child(village, family, *, days: int, sex: int = 2, name: str = "NAYLA PUTRI", **kw):
    return ResidentFactory(
        village=village,
        family=family,
        rt=family.rt,
        name=name,
        sex=sex,
        birth_date=timezone.localdate() - dt.timedelta(days=days),
        family_relation=4,
        **kw,
    )


@pytest.fixture
def child_a(village_a, family_a1):
    return make_child(village_a, family_a1, days=400)


@pytest.fixture
def posyandu_a(village_a, kader_a, rt_a1):
    return services.posyandu_create(actor=kader_a, village=village_a, name="MAWAR", rts=[rt_a1])


@pytest.fixture
def session_a(village_a, kader_a, posyandu_a, today):
    return services.session_open(actor=kader_a, village=village_a, posyandu=posyandu_a, held_on=today)


@pytest.fixture
def kader_b(village_b):
    return User.objects.create_user(
        username="kader_b", password="rahasia-demo-123", role=Role.KADER_POSYANDU, village=village_b
    )


@pytest.fixture
def bidan_b(village_b):
    return User.objects.create_user(
        username="bidan_b", password="rahasia-demo-123", role=Role.BIDAN, village=village_b
    )
