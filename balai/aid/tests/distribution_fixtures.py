"""Fixtures of the distribution/import/coverage tests (imported by name in those modules)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image, ImageDraw

from balai.aid.models import OfficialDecile, Programme, Recipient
from balai.people.models import Family
from balai.people.tests.factories import FamilyFactory, ResidentFactory


def make_programme(village, **kw) -> Programme:
    data = {
        "village": village,
        "name": "BLT Dana Desa",
        "code": "blt-dd",
        "source": Programme.Source.DANA_DESA,
        "target_unit": Programme.TargetUnit.FAMILY,
        "period": "2026",
        "period_start": dt.date(2026, 1, 1),
        "period_end": dt.date(2026, 12, 31),
        "benefit_amount": 300_000,
        "benefit_frequency": Programme.Frequency.MONTHLY,
        "status": Programme.Status.ACTIVE,
    } | kw
    return Programme.objects.create(**data)


def make_family(village, head_name: str = "KEPALA KELUARGA") -> Family:
    family = FamilyFactory(village=village)
    head = ResidentFactory(village=village, family=family, rt=family.rt, name=head_name, family_relation=1)
    family.head = head
    family.save(update_fields=["head"])
    return family


def enrol(programme: Programme, family: Family, **kw) -> Recipient:
    data = {
        "village": programme.village,
        "programme": programme,
        "period": programme.period,
        "family": family,
        "source": Recipient.Source.MANUAL,
        "enrolled_on": programme.period_start,
    } | kw
    return Recipient.objects.create(**data)


def give_decile(family: Family, decile: int) -> OfficialDecile:
    return OfficialDecile.objects.create(
        village=family.village, family=family, decile=decile, received_on=dt.date(2026, 1, 5), source="DTSEN"
    )


def signature_png(*, blank: bool = False) -> bytes:
    image = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    if not blank:
        draw = ImageDraw.Draw(image)
        draw.line([(20, 90), (80, 20), (140, 100), (260, 30)], fill=(0, 0, 0, 255), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def photo_jpeg(size: tuple[int, int] = (640, 480)) -> bytes:
    image = Image.new("RGB", size, (120, 160, 200))
    out = io.BytesIO()
    image.save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def blt_a(village_a):
    return make_programme(village_a)


@pytest.fixture
def blt_b(village_b):
    return make_programme(village_b)


@pytest.fixture
def two_recipients(blt_a):
    families = [make_family(blt_a.village, name) for name in ("SLAMET RIYADI", "WARSINAH")]
    return [enrol(blt_a, f) for f in families]
