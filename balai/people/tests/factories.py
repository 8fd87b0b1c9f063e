import datetime as dt
import random

import factory

from balai.people.models import Family, Resident
from balai.people.validation import nik_from
from balai.regions.models import Dusun, Rt, Village

_serial = iter(range(1, 10**6))


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village
        django_get_or_create = ("code",)

    code = "33.25.01.2007"
    name = "Brokoh"
    district_code = "33.25.01"
    district_name = "Wonotunggal"
    regency_code = "33.25"
    regency_name = "Kabupaten Batang"
    province_name = "Jawa Tengah"


class DusunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dusun
        django_get_or_create = ("village", "name")

    village = factory.SubFactory(VillageFactory)
    name = "KRAJAN"


class RtFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rt
        django_get_or_create = ("village", "dusun", "rw", "rt")

    village = factory.SubFactory(VillageFactory)
    dusun = factory.LazyAttribute(lambda o: DusunFactory(village=o.village))
    rw = "001"
    rt = "001"


def make_nik(village: Village, birth_date: dt.date, sex: int) -> str:
    return nik_from(
        region6=village.code_digits[:6], birth_date=birth_date, sex=sex, serial=next(_serial) % 10000 or 1
    )


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Family

    village = factory.SubFactory(VillageFactory)
    rt = factory.LazyAttribute(lambda o: RtFactory(village=o.village))
    kk_number = factory.LazyAttribute(
        lambda o: (
            f"{o.village.code_digits[:6]}0101{20 + random.randint(0, 5):02d}{next(_serial) % 10000 or 1:04d}"
        )
    )
    address = "Jl. Raya Brokoh"


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    village = factory.SubFactory(VillageFactory)
    family = factory.LazyAttribute(lambda o: FamilyFactory(village=o.village))
    rt = factory.LazyAttribute(lambda o: o.family.rt if o.family else RtFactory(village=o.village))
    name = factory.Faker("name", locale="id_ID")
    sex = 1
    birth_place = "BATANG"
    birth_date = dt.date(1985, 3, 14)
    nik = factory.LazyAttribute(lambda o: make_nik(o.village, o.birth_date, o.sex))
    religion = 1
    family_relation = 1
    marital_status = 2
    education_kk = 5
    occupation = 9
