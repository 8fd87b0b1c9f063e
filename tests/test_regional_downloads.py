"""Issue 20 item 4: every district/regency table downloads as XLSX (with "data per", source and
filters) and PDF, linked from its page; a camat's file holds only their district, a village of
another district asked for by code is refused as on the page."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The overview and education tables are cached per set of village ids for a minute; ids
    # repeat across tests, so a table cached by an earlier test would name other villages.
    from django.core.cache import cache

    cache.clear()


# (page, xlsx, pdf, query): the regional pages and their two downloads.
REGIONAL = [
    ("dashboard:overview", "dashboard:overview_xlsx", "dashboard:overview_pdf", ""),
    ("people:regional_quality", "people:regional_quality_xlsx", "people:regional_quality_pdf", ""),
    ("health:regional", "health:regional_xlsx", "health:regional_pdf", "?bulan=2026-04"),
    ("aid:regional", "aid:regional_xlsx", "aid:regional_pdf", ""),
    ("education:regional", "education:regional_xlsx", "education:regional_pdf", ""),
    ("economy:regional", "economy:regional_xlsx", "economy:regional_pdf", ""),
]


def _text(content: bytes) -> dict[str, str]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {
        name: "\n".join(" | ".join(str(c) for c in row) for row in book.get_sheet_by_name(name).to_python())
        for name in book.sheet_names
    }


@pytest.mark.parametrize(("page", "xlsx", "pdf", "query"), REGIONAL)
def test_camat_downloads_only_their_district(client, village_a, village_b, camat_a, page, xlsx, pdf, query):
    client.force_login(camat_a)
    shown = client.get(reverse(page) + query)
    assert shown.status_code == 200
    assert reverse(xlsx) in shown.content.decode()
    assert reverse(pdf) in shown.content.decode()

    sheets = _text(client.get(reverse(xlsx) + query).content)
    table = next(iter(sheets.values()))
    assert "Brokoh" in table
    assert "Cepagan" not in "".join(sheets.values())
    assert "Data per:" in table
    assert "Sumber:" in table
    assert "Filter:" in table
    assert "Kecamatan Wonotunggal" in sheets["Keterangan"]

    paper = client.get(reverse(pdf) + query)
    assert paper.status_code == 200
    assert paper["Content-Type"] == "application/pdf"
    assert paper.content.startswith(b"%PDF")


@pytest.mark.parametrize(("page", "xlsx", "pdf", "query"), REGIONAL)
def test_regency_file_holds_every_district(
    client, village_a, village_b, regency_viewer, page, xlsx, pdf, query
):
    client.force_login(regency_viewer)
    text = "".join(_text(client.get(reverse(xlsx) + query).content).values())
    assert "Brokoh" in text
    assert "Cepagan" in text


def test_village_detail_of_another_district_is_refused(client, village_a, village_b, camat_a):
    client.force_login(camat_a)
    for name in ("dashboard:village", "dashboard:village_xlsx", "dashboard:village_pdf"):
        assert client.get(reverse(name, args=[village_b.code])).status_code == 404, name
    own = client.get(reverse("dashboard:village_xlsx", args=[village_a.code]))
    assert own.status_code == 200
    assert "Brokoh" in "".join(_text(own.content).values())
    assert client.get(reverse("dashboard:village_pdf", args=[village_a.code])).content.startswith(b"%PDF")


def test_regional_statistics_pdf(client, village_a, village_b, camat_a):
    client.force_login(camat_a)
    page = client.get(reverse("people:regional_statistics") + "?kategori=umur")
    assert "format=pdf" in page.content.decode()
    paper = client.get(reverse("people:regional_statistics") + "?kategori=umur&format=pdf")
    assert paper.status_code == 200
    assert paper.content.startswith(b"%PDF")


def test_staff_performance_downloads_carry_the_month(client, village_a, kades_a):
    client.force_login(kades_a)
    page = client.get(reverse("dashboard:staff_performance") + "?bulan=2026-03")
    assert reverse("dashboard:staff_performance_xlsx") + "?bulan=2026-03" in page.content.decode()
    sheets = _text(client.get(reverse("dashboard:staff_performance_xlsx") + "?bulan=2026-03").content)
    assert "Maret 2026" in sheets["Keterangan"]
    paper = client.get(reverse("dashboard:staff_performance_pdf") + "?bulan=2026-03")
    assert paper.content.startswith(b"%PDF")


def test_village_operator_cannot_download_regional_files_of_others(client, village_a, village_b, operator_a):
    client.force_login(operator_a)
    for _page, xlsx, _pdf, query in REGIONAL:
        response = client.get(reverse(xlsx) + query)
        if response.status_code == 200:
            assert "Cepagan" not in "".join(_text(response.content).values()), xlsx
        else:
            assert response.status_code in (302, 403), xlsx
