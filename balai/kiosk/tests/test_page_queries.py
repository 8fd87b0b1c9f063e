"""The resident's pages read a fixed number of rows' worth of queries: a bigger family (or a
village full of other families) adds rows, never queries. And the family card reads its
members by family, so it must still keep out the dead and anyone not of this village."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from balai.core.masking import mask_number
from balai.people import codes
from balai.people.tests.factories import FamilyFactory, ResidentFactory

pytestmark = pytest.mark.django_db

PAGES = (
    "/anjungan/saya/",
    "/anjungan/saya/keluarga/",
    "/anjungan/saya/surat/",
    "/anjungan/saya/bantuan/",
    "/anjungan/saya/anak/",
)


def _queries(client, url: str) -> int:
    client.get(url)  # once-per-session audit and session writes out of the way
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def _child(village, family, days_old: int):
    return ResidentFactory(
        village=village,
        family=family,
        family_relation=4,
        birth_date=dt.date.today() - dt.timedelta(days=days_old),
    )


def test_page_queries_do_not_grow_with_the_family(resident_client_a, family_a, village_a):
    _child(village_a, family_a, 400)  # one toddler: the growth page reads measurements
    before = {url: _queries(resident_client_a, url) for url in PAGES}
    for n in range(5):
        _child(village_a, family_a, 4000 + 300 * n)
    _child(village_a, family_a, 700)
    for _ in range(5):
        ResidentFactory(village=village_a, family=FamilyFactory(village=village_a))
    after = {url: _queries(resident_client_a, url) for url in PAGES}
    assert after == before


def test_family_card_keeps_out_the_dead_and_other_villages(
    resident_client_a, resident_a, family_a, village_a, village_b
):
    child = ResidentFactory(
        village=village_a,
        family=family_a,
        family_relation=4,
        name="ANAK HIDUP",
        birth_date=dt.date(2012, 5, 6),
    )
    ResidentFactory(village=village_a, family=family_a, name="SUDAH MENINGGAL", status=codes.STATUS_DEAD)
    # A row pointing at this family from another village (bad data) stays out as well.
    ResidentFactory(village=village_b, family=family_a, name="WARGA DESA LAIN")
    body = resident_client_a.get("/anjungan/saya/keluarga/").content.decode()
    assert resident_a.name in body
    assert child.name in body
    assert body.index(resident_a.name) < body.index(child.name)  # head of family first
    assert mask_number(child.nik) in body
    assert child.nik not in body
    assert "SUDAH MENINGGAL" not in body
    assert "WARGA DESA LAIN" not in body
    assert f"RT {family_a.rt.rt}/RW {family_a.rt.rw}" in body
