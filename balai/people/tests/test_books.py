"""Population books, the monthly report, statistics and data quality (issue 15)."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from balai.core.dates import Month
from balai.people import books, quality, services, statistics
from balai.people.tests.factories import FamilyFactory, ResidentFactory, VillageFactory

TODAY = timezone.localdate()
THIS = Month.of(TODAY)
LAST = THIS.previous()


@pytest.fixture
def moving_village(village_a, operator_a, village_b):
    """Ten residents; last month a birth, a death and a transfer out; this month a death."""
    family = FamilyFactory(village=village_a)
    people = [
        ResidentFactory(
            village=village_a, family=family, rt=family.rt, sex=1 + i % 2, birth_date=dt.date(1980 + i, 1, 5)
        )
        for i in range(10)
    ]
    family.head = people[0]
    family.save(update_fields=["head"])
    services.birth_record(
        actor=operator_a,
        family=family,
        data={"name": "BAYI", "sex": 2, "birth_date": LAST.first + dt.timedelta(days=3)},
    )
    services.death_record(actor=operator_a, resident=people[1], event_date=LAST.first + dt.timedelta(days=5))
    services.move_out_record(
        actor=operator_a,
        residents=[people[2]],
        event_date=LAST.first + dt.timedelta(days=6),
        destination_village=village_b,
    )
    services.death_record(actor=operator_a, resident=people[3], event_date=TODAY)
    return village_a


def test_monthly_report_adds_up_and_chains(moving_village):
    ids = [moving_village.pk]
    last = books.monthly_report(village_ids=ids, year=LAST.year, month=LAST.month)
    this = books.monthly_report(village_ids=ids, year=THIS.year, month=THIS.month)
    assert last.adds_up
    assert this.adds_up
    assert last.lines["start"].total == 10
    assert last.lines["births"].total == 1
    assert last.lines["deaths"].total == 1
    assert last.lines["departures"].total == 1
    assert last.lines["end"].total == 9
    assert this.lines["start"].total == last.lines["end"].total
    assert this.lines["end"].total == 8


def test_cancelled_event_counts_nowhere(moving_village, operator_a):
    from balai.people import consequences
    from balai.people.models import LifeEvent

    event = LifeEvent.objects.get(village=moving_village, kind=LifeEvent.Kind.DEATH, event_date=TODAY)
    consequences.life_event_cancel(actor=operator_a, event=event, reason="keliru")
    this = books.monthly_report(village_ids=[moving_village.pk], year=THIS.year, month=THIS.month)
    assert this.lines["deaths"].total == 0
    assert this.lines["end"].total == 9
    assert this.adds_up


def test_books_rows(moving_village):
    induk = list(
        books.book_rows(book=books.BOOKS["induk"], village=moving_village, year=LAST.year, month=LAST.month)
    )
    assert len(induk) == 9  # the dead and the transferred are gone by the end of last month
    mutasi = list(
        books.book_rows(book=books.BOOKS["mutasi"], village=moving_village, year=LAST.year, month=LAST.month)
    )
    assert len(mutasi) == 3
    rekap = list(
        books.book_rows(
            book=books.BOOKS["rekapitulasi"], village=moving_village, year=LAST.year, month=LAST.month
        )
    )
    total = rekap[-1]
    assert total[1] == "Jumlah"
    assert total[2] + total[3] == 10  # start L + P
    assert total[-1] == 9


@pytest.mark.parametrize("slug", list(books.BOOKS))
def test_each_book_opens_as_pdf_and_xlsx(client_a, moving_village, slug):
    url = reverse("people:book_download") + f"?buku={slug}&format=xlsx&bulan={LAST}"
    response = client_a.get(url)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert books.BOOKS[slug].title in sheet["A1"].value
    response = client_a.get(reverse("people:book_download") + f"?buku={slug}&format=pdf&bulan={LAST}")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_monthly_report_exports_and_page(client_a, moving_village):
    response = client_a.get(reverse("people:monthly_report") + f"?format=xlsx&bulan={LAST}")
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0].values)
    values = {r[0]: r[3] for r in rows[4:] if r[0]}
    assert values["Penduduk awal bulan"] == 10
    assert values["Penduduk akhir bulan"] == 9
    assert client_a.get(reverse("people:monthly_report") + "?format=pdf").content.startswith(b"%PDF")
    page = client_a.get(reverse("people:books") + f"?bulan={LAST}")
    assert page.status_code == 200
    assert "Awal + lahir" in page.content.decode()


def test_unknown_book_or_bad_month(client_a, moving_village):
    assert client_a.get(reverse("people:book_download") + "?buku=nope&format=pdf").status_code == 404
    assert client_a.get(reverse("people:book_download") + "?buku=induk&format=doc").status_code == 302
    assert client_a.get(reverse("people:books") + "?bulan=2999-99").status_code == 200


def test_statistics_by_category(client_a, moving_village):
    table = statistics.category_table(village_ids=[moving_village.pk], category=statistics.BY_KEY["umur"])
    assert table.total_male + table.total_female == 8
    for c in statistics.CATEGORIES:
        response = client_a.get(reverse("people:statistics") + f"?kategori={c.key}")
        assert response.status_code == 200
    response = client_a.get(reverse("people:statistics") + "?kategori=agama&format=xlsx")
    assert response.status_code == 200


def test_regional_pages(client, regency_viewer, moving_village):
    client.force_login(regency_viewer)
    assert client.get(reverse("people:regional_statistics")).status_code == 200
    page = client.get(reverse("people:regional_quality"))
    assert page.status_code == 200
    assert moving_village.name in page.content.decode()


def test_quality_counts_problems(village_a):
    family = FamilyFactory(village=village_a)
    ResidentFactory(village=village_a, family=None, rt=None, birth_date=dt.date(1900, 1, 1))
    ResidentFactory(village=village_a, family=family, rt=family.rt)
    q = quality.village_quality(village=village_a)
    assert q.residents == 2
    assert q.no_family == 1
    assert q.over_100 == 1
    assert q.families_without_head == 1
    assert 0 < q.score < 100


def test_a_book_never_shows_another_village(client_a, moving_village, resident_b):
    url = reverse("people:book_download") + f"?buku=ktp-kk&format=xlsx&bulan={THIS}"
    book = openpyxl.load_workbook(io.BytesIO(b"".join(client_a.get(url).streaming_content)))
    texts = {str(c) for row in book.worksheets[0].values for c in row if c}
    assert resident_b.name not in texts
    assert resident_b.nik not in texts


# --- Honest periods (issue 21 item 3) ---------------------------------------------------------


def test_books_page_opens_on_the_last_complete_month(client_a, moving_village):
    page = client_a.get(reverse("people:books"))

    body = page.content.decode()
    assert page.context["month"] == LAST
    assert not page.context["period"].running
    assert "berjalan, data sampai" not in body
    assert f"?bulan={THIS}" in body  # the running month is one click on


def test_books_page_labels_the_running_month(client_a, moving_village):
    page = client_a.get(reverse("people:books") + f"?bulan={THIS}")

    body = page.content.decode()
    assert page.context["period"].running
    assert "berjalan, data sampai" in body
    assert "Bulan berikutnya" not in body  # nothing after the running month


def test_monthly_report_xlsx_of_the_running_month_says_so(client_a, moving_village):
    def text(query):
        response = client_a.get(reverse("people:monthly_report") + query)
        book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        return " ".join(str(c) for ws in book.worksheets for row in ws.values for c in row if c)

    running = text(f"?format=xlsx&bulan={THIS}")
    assert f"{THIS.label} (berjalan, data sampai" in running
    assert "berjalan" not in text(f"?format=xlsx&bulan={LAST}")


def test_regional_monthly_report_counts_villages_that_reported(client, regency_viewer, moving_village):
    VillageFactory(code="33.25.12.2008", name="Sepi", district_code="33.25.12", district_name="Warungasem")
    client.force_login(regency_viewer)

    page = client.get(reverse("people:regional_statistics"))

    # last month village A recorded a birth, a death and a move out, village B the move in;
    # the third village recorded nothing
    assert page.context["month"] == LAST
    assert page.context["reporting"].reported == 2
    assert page.context["reporting"].total == 3
    assert "2 dari 3 desa melapor" in page.content.decode()


def test_pending_duplicates_lower_the_quality_score_until_decided(village_a, village_b, operator_a):
    from balai.people import selectors, services

    family = FamilyFactory(village=village_a)
    born = dt.date(1980, 5, 17)
    same = {"village": village_a, "family": family, "rt": family.rt, "birth_date": born, "sex": 1}
    a = ResidentFactory(name="SLAMET RIYADI", mother_name="SUMIRAH", **same)
    b = ResidentFactory(name="SLAMET RIYADI", mother_name="SUMIRAH", **same)
    ResidentFactory(name="WARSINAH", **same)  # same day, another person
    ResidentFactory(village=village_b, name="SLAMET RIYADI", birth_date=born)  # another village
    pending = selectors.possible_duplicates(village=village_a)
    assert len(pending) == 1
    assert selectors.duplicate_counts(village_ids=[village_a.pk, village_b.pk]) == {
        village_a.pk: 1,
        village_b.pk: 0,
    }
    before = quality.village_quality(village=village_a)
    assert before.duplicates == 1
    services.duplicate_dismiss(actor=operator_a, first=a, second=b)
    after = quality.village_quality(village=village_a)
    assert after.duplicates == 0
    assert after.score > before.score
    ranked = {q.village.pk: q.duplicates for q in quality.ranking(villages=[village_a, village_b])}
    assert ranked == {village_a.pk: 0, village_b.pk: 0}


@pytest.mark.parametrize("key", ["umur", "agama", "pekerjaan", "darah"])
def test_regional_statistics_per_village_add_up_to_the_area(
    client, regency_viewer, moving_village, resident_b, key
):
    from django.core.cache import cache

    cache.clear()
    client.force_login(regency_viewer)
    page = client.get(reverse("people:regional_statistics") + f"?kategori={key}")
    assert page.status_code == 200
    area, by_village = page.context["table"], page.context["by_village"]
    villages = {v.pk: values for v, values in by_village.rows}
    assert moving_village.pk in villages
    assert resident_b.village_id in villages
    # Each village's row is that village's own table; the columns add up to the area's.
    for v, values in by_village.rows:
        own = statistics.category_table(village_ids=[v.pk], category=statistics.BY_KEY[key])
        assert sum(values) == own.total_male + own.total_female
        assert dict(zip(by_village.columns, values, strict=True)) == {
            label: m + f for label, m, f in own.rows if label in by_village.columns
        }
    assert by_village.total == area.total_male + area.total_female
    assert by_village.totals() == [m + f for label, m, f in area.rows if label in by_village.columns]
    assert "stats-by-village" in page.content.decode()
    # The XLSX has the same table on its second sheet, a row per village and the total.
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("people:regional_statistics") + f"?kategori={key}&format=xlsx").content)
    )
    sheet = book.worksheets[1]
    rows = [r for r in sheet.values if r and r[0]]
    assert rows[1][3 : 3 + len(by_village.columns)] == tuple(by_village.columns)
    body = {r[0]: r for r in rows[2:]}
    assert body[moving_village.code][-1] == sum(villages[moving_village.pk])
    assert body["Jumlah"][-1] == by_village.total


def test_monthly_report_pdf_is_signed_by_the_village_head_of_the_profile(client_a, moving_village, tmp_path):
    import subprocess

    type(moving_village).objects.filter(pk=moving_village.pk).update(head_name="PUPUT HASTUTI")
    pdf = client_a.get(reverse("people:monthly_report") + f"?format=pdf&bulan={LAST}").content
    (tmp_path / "r.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True).stdout
    assert "PUPUT HASTUTI" in text
