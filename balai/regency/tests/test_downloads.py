"""The freshness board, the rollout and the weekly digest as XLSX and PDF, the camat's
downloads limited to their district, and the APBDes freshness check."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from balai.finance.models import Budget
from balai.regency import selectors
from balai.regions.models import Village

pytestmark = pytest.mark.django_db


def _sheets(content: bytes) -> dict[str, list[list[object]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def _text(rows: list[list[object]]) -> str:
    return "\n".join(" | ".join(str(c) for c in row) for row in rows)


@pytest.mark.parametrize("name", ["freshness", "rollout", "digest", "compare"])
def test_board_downloads_say_as_of_source_and_filters(client, village_a, village_b, regency_viewer, name):
    client.force_login(regency_viewer)
    query = "?kecamatan=33.25.01" if name == "freshness" else "?tahap=preparing" if name == "rollout" else ""
    xlsx = client.get(reverse(f"regency:{name}_xlsx") + query)
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"].endswith('.xlsx"')
    sheets = _sheets(xlsx.content)
    first = _text(next(iter(sheets.values())))
    assert "Data per:" in first
    assert "Sumber:" in first
    notes = _text(sheets["Keterangan"])
    assert "Data per" in notes
    if name == "freshness":
        assert "Kecamatan: Wonotunggal" in notes
        assert "Brokoh" in first
        assert "Cepagan" not in first
    if name == "rollout":
        assert "Tahap: Persiapan" in notes
    pdf = client.get(reverse(f"regency:{name}_pdf") + query)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


def test_camat_downloads_only_their_district(client, village_a, village_b, camat_a):
    client.force_login(camat_a)
    for name in ("freshness", "digest", "rollout"):
        text = _text(
            [
                r
                for rows in _sheets(client.get(reverse(f"regency:{name}_xlsx")).content).values()
                for r in rows
            ]
        )
        assert "Brokoh" in text, name
        assert "Cepagan" not in text, name
        assert "Warungasem" not in text, name
    # another district asked for by code: refused with a message, the own district shown
    page = client.get(reverse("regency:freshness_xlsx") + "?kecamatan=33.25.12")
    assert "Cepagan" not in _text(_sheets(page.content)["Kesegaran"])


def test_bad_filters_fall_back(client, village_a, regency_viewer):
    client.force_login(regency_viewer)
    assert client.get(reverse("regency:freshness_pdf") + "?urut=<script>").status_code == 200
    assert client.get(reverse("regency:rollout_xlsx") + "?tahap=xyz").status_code == 200


def test_village_operator_refused(client, village_a, operator_a):
    client.force_login(operator_a)
    for name in (
        "freshness_xlsx",
        "freshness_pdf",
        "rollout_xlsx",
        "rollout_pdf",
        "digest_xlsx",
        "digest_pdf",
    ):
        assert client.get(reverse(f"regency:{name}")).status_code == 403, name


def _row(village):
    return selectors.freshness(villages=Village.objects.filter(pk=village.pk))[0]


def test_apbdes_check_only_for_villages_keeping_their_budget_in_balai(village_a):
    year = timezone.localdate().year
    # a village that never kept an APBDes in Balai is not flagged
    row = _row(village_a)
    assert row.apbdes == ""
    assert not any("APBDes" in r for r in row.reasons)
    # last year's only: this year's is missing, red, naming the deadline
    Budget.objects.create(village=village_a, year=year - 1, status=Budget.Status.SET)
    row = _row(village_a)
    assert row.apbdes == "none"
    assert row.status == "red"
    assert f"APBDes {year} belum dibuat (batas penetapan 31-12-{year - 1})" in row.reasons
    assert row.last_finance is not None
    # a draft: amber with the reason
    budget = Budget.objects.create(village=village_a, year=year, status=Budget.Status.DRAFT)
    row = _row(village_a)
    assert row.apbdes_label == "rancangan"
    assert any(r.startswith(f"APBDes {year} masih rancangan") for r in row.reasons)
    assert "APBDes" not in " ".join(r for r in row.reasons if "belum dibuat" in r)
    # set: no APBDes reason
    budget.status = Budget.Status.SET
    budget.save()
    row = _row(village_a)
    assert not any("APBDes" in r for r in row.reasons)


def test_apbdes_reason_is_red_or_amber():
    assert selectors.apbdes_reason(status="none", year=2027)[0] == "red"
    assert selectors.apbdes_reason(status="draft", year=2027)[0] == "amber"
    assert selectors.apbdes_reason(status="set", year=2027) is None
    assert dt.date(2026, 12, 31).strftime("%d-%m-%Y") in selectors.apbdes_reason(status="draft", year=2027)[1]
