"""The by-name-by-address export for e-PPGBM."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from balai.audit.models import AuditEvent
from balai.health.eppgbm import COLUMNS, age_text, eppgbm_rows
from balai.health.models import Posyandu, PosyanduSession
from balai.health.reports import Month
from balai.health.tests.test_reports import child, weigh
from balai.people.tests.factories import DusunFactory, RtFactory

APRIL = Month(2026, 4)


@pytest.fixture
def measured(village_a, village_b):
    krajan = DusunFactory(village=village_a, name="Krajan")
    rt = RtFactory(village=village_a, dusun=krajan, rw="002", rt="003")
    posyandu = Posyandu.objects.create(village=village_a, name="Posyandu Melati", dusun="Krajan")
    session = PosyanduSession.objects.create(
        village=village_a, posyandu=posyandu, held_on=dt.date(2026, 4, 10)
    )
    kid = child(village_a, rt, born=dt.date(2024, 4, 1), sex=2, name="ANAK BROKOH", mother_name="IBU BROKOH")
    weigh(village_a, kid, dt.date(2026, 3, 9), "11.5", "86.0")
    weigh(village_a, kid, dt.date(2026, 4, 2), "9.0", "78.0")  # replaced by the later one
    weigh(village_a, kid, dt.date(2026, 4, 10), "11.9", "87.0", session=session)
    other = child(village_b, RtFactory(village=village_b), born=dt.date(2024, 4, 1), name="ANAK CEPAGAN")
    weigh(village_b, other, dt.date(2026, 4, 12), "9.0", "78.0")
    return kid


@pytest.mark.parametrize(
    ("born", "on", "text"),
    [
        (dt.date(2024, 4, 1), dt.date(2026, 4, 10), "2 Tahun - 0 Bulan - 9 Hari"),
        (dt.date(2025, 1, 31), dt.date(2025, 3, 1), "0 Tahun - 1 Bulan - 1 Hari"),
        (dt.date(2026, 4, 10), dt.date(2026, 4, 10), "0 Tahun - 0 Bulan - 0 Hari"),
    ],
)
def test_age_as_eppgbm_writes_it(born, on, text):
    assert age_text(born, on) == text


def test_one_row_per_child_with_the_last_measurement_of_the_month(village_a, measured):
    rows = eppgbm_rows(village=village_a, month=APRIL)

    assert len(rows) == 1
    row = dict(zip(COLUMNS, rows[0], strict=True))
    assert row["NIK"] == measured.nik
    assert row["Nama Anak"] == "ANAK BROKOH"
    assert row["JK"] == "P"
    assert row["Nama Ortu"] == "IBU BROKOH"
    assert row["Posyandu"] == "Posyandu Melati"
    assert (row["RW"], row["RT"]) == ("002", "003")
    assert row["Tanggal Pengukuran"] == dt.date(2026, 4, 10)
    assert row["Berat"] == 11.9
    assert row["Tinggi"] == 87.0
    assert row["Cara Ukur"] == "Berdiri"
    assert row["Naik Berat Badan"] == "N"  # +400 g since March
    assert row["TB/U"] in {"Normal", "Pendek"}
    assert isinstance(row["ZS TB/U"], float)


def test_export_is_for_health_roles_only(client, operator_a, kades_a, measured):
    for user in (operator_a, kades_a):
        client.force_login(user)
        assert client.get(reverse("health:eppgbm_export"), {"bulan": "2026-04"}).status_code == 403


def test_kader_downloads_own_village_and_it_is_audited(client, kader_a, village_a, measured):
    # given a kader of village A
    client.force_login(kader_a)

    # when she downloads April's file
    response = client.get(reverse("health:eppgbm_export"), {"bulan": "2026-04"})

    # then it holds her village's child only, NIK kept as text, and the download is audited
    assert response.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert tuple(sheet[0]) == COLUMNS
    assert len(sheet) == 2
    assert sheet[1][0] == measured.nik
    assert "ANAK CEPAGAN" not in str(sheet)
    event = AuditEvent.objects.filter(village=village_a, action="health.eppgbm_exported").get()
    assert event.object_id == "2026-04"
