import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from balai.finance import selectors, services, siskeudes
from balai.finance.models import Budget, BudgetLine, Entry, Source
from balai.finance.siskeudes_sample import sample_tables


@pytest.fixture
def export(village_a):
    kd = siskeudes.siskeudes_village_code(village_a)
    assert kd == "01.2007."
    return kd, sample_tables(kd, 2024)


def _zip(tables):
    return siskeudes.write_zip(tables)


def test_crafted_export_imports_and_totals_match(village_a, export):
    _kd, tables = export
    plan = siskeudes.read_plan(_zip(tables), village=village_a, year=2024)
    totals = plan.totals()
    assert totals["budget_revenue"] == 1_200_000_000
    assert totals["budget_spending"] == 64_140_000
    assert totals["real_revenue"] == 320_000_000
    assert totals["real_spending"] == 41_700_000
    assert (totals["tax_in"], totals["tax_out"]) == (2_500_000, 2_500_000)
    assert "Ta_Mutasi" in plan.missing
    siskeudes.apply_plan(plan, village=village_a, actor=None, filename="x.zip")
    budget = Budget.objects.get(village=village_a, year=2024)
    assert budget.status == Budget.Status.REVISED
    assert budget.perdes_number == "3 Tahun 2023"
    report = selectors.lra(budget=budget)
    assert (report.revenue.budget, report.revenue.realised) == (1_200_000_000, 320_000_000)
    assert (report.spending.budget, report.spending.realised) == (64_140_000, 41_700_000)
    assert report.financing_out.budget == 50_000_000
    s1 = selectors.lra(budget=budget, until=dt.date(2024, 6, 30))
    assert s1.spending.realised == 41_700_000
    assert selectors.balances(budget=budget)["tax"] == 0
    assert budget.opening_bank == 25_000_000
    material = BudgetLine.objects.get(budget=budget, account_code="5.2.1.07")
    assert (material.amount, material.in_force) == (22_200_000, 26_640_000)
    assert "\n" not in material.description


def test_reimport_is_idempotent_and_keeps_balai_entries(village_a, export, bendahara_a):
    _kd, tables = export
    data = _zip(tables)
    siskeudes.apply_plan(
        siskeudes.read_plan(data, village=village_a, year=2024),
        village=village_a,
        actor=None,
        filename="a.zip",
    )
    budget = Budget.objects.get(village=village_a, year=2024)
    line = BudgetLine.objects.get(budget=budget, account_code="4.2.1.01")
    services.receipt_record(
        actor=bendahara_a,
        village=village_a,
        budget=budget,
        line=line,
        number="B-1",
        date=dt.date(2024, 9, 1),
        amount=1_000,
    )
    counts = Entry.objects.filter(budget=budget).count(), BudgetLine.objects.filter(budget=budget).count()
    siskeudes.apply_plan(
        siskeudes.read_plan(data, village=village_a, year=2024),
        village=village_a,
        actor=None,
        filename="a.zip",
    )
    assert (
        Entry.objects.filter(budget=budget).count(),
        BudgetLine.objects.filter(budget=budget).count(),
    ) == counts
    assert Entry.objects.filter(budget=budget, source=Source.BALAI).count() == 1
    assert selectors.lra(budget=budget).revenue.realised == 320_001_000


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda t: t.pop("Ta_RABRinci"), "Tabel wajib Ta_RABRinci"),
        (lambda t: [r.update(Kd_Desa="05.1234.") for r in t["Ta_RABRinci"]], "bukan data Desa"),
        (lambda t: t["Ta_SPPRinci"][1].update(Nilai="dua juta"), "Ta_SPPRinci baris 3 kolom Nilai"),
        (lambda t: t["Ta_TBP"][0].update(Tgl_Bukti="kemarin"), "Ta_TBP baris 2 kolom Tgl_Bukti"),
        (lambda t: t["Ta_SPPRinci"][0].update(Nilai="-5"), "negatif"),
    ],
)
def test_hostile_files_are_refused_naming_the_place(village_a, export, mutate, message):
    _kd, tables = export
    mutate(tables)
    with pytest.raises(siskeudes.ImportRefused) as exc:
        siskeudes.read_plan(_zip(tables), village=village_a, year=2024)
    assert message in str(exc.value)
    assert not Budget.objects.exists()


def test_another_year_corrupt_zip_and_shifted_columns(village_a, export, tmp_path):
    _kd, tables = export
    with pytest.raises(siskeudes.ImportRefused, match="bukan 2025"):
        siskeudes.read_plan(_zip(tables), village=village_a, year=2025)
    data = _zip(tables)
    with pytest.raises(siskeudes.ImportRefused, match="rusak"):
        siskeudes.read_plan(data[: len(data) // 2], village=village_a, year=2024)
    with pytest.raises(siskeudes.ImportRefused, match="bukan ekspor Siskeudes"):
        siskeudes.read_plan(b"hello", village=village_a, year=2024)
    good = _zip(tables)
    shifted = tmp_path / "s.zip"
    with zipfile.ZipFile(shifted, "w") as out, zipfile.ZipFile(__import__("io").BytesIO(good)) as src:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "Ta_TBPRinci.csv":
                lines = body.decode().splitlines()
                lines[1] = lines[1] + ",extra,values"
                body = ("\n".join(lines) + "\n").encode()
            out.writestr(info.filename, body)
    with pytest.raises(siskeudes.ImportRefused, match="Ta_TBPRinci baris 2"):
        siskeudes.read_plan(shifted.read_bytes(), village=village_a, year=2024)


def test_cli_dry_run_and_apply(village_a, export, tmp_path, capsys):
    from django.core.management import call_command

    _kd, tables = export
    path = tmp_path / "export.zip"
    path.write_bytes(_zip(tables))
    call_command("import_siskeudes", str(path), village=village_a.code, year=2024, dry_run=True)
    assert not Budget.objects.exists()
    call_command("import_siskeudes", str(path), village=village_a.code, year=2024)
    assert Budget.objects.filter(village=village_a, year=2024).exists()
    assert "real_spending" in capsys.readouterr().out


def _with_advances(tables):
    """The crafted export plus two advances: one accounted for with a remainder returned (paid on
    its 2023-layout Tgl_Bayar, to a named payee), one still open."""
    d = tables["Ta_SPP"][0]["Kd_Desa"]
    jalan = tables["Ta_SPPRinci"][2]["Kd_Keg"]  # the road activity of the sample's UM
    for number, day, paid, amount, payee in (
        (f"0101/SPP/{d}/2024", "07/01/24 00:00:00", "07/02/24 00:00:00", 3_000_000, "Darto"),
        (f"0102/SPP/{d}/2024", "08/01/24 00:00:00", "", 1_000_000, ""),
    ):
        tables["Ta_SPP"].append(
            {"Tahun": "2024", "No_SPP": number, "Tgl_SPP": day, "Jn_SPP": "UM", "Kd_Desa": d,
             "Keterangan": "Panjar semen", "Jumlah": f"{amount:.16e}", "Potongan": "0",
             "Nm_Penerima": payee, "Tgl_Bayar": paid}
        )  # fmt: skip
        tables["Ta_SPPRinci"].append(
            {"Tahun": "2024", "No_SPP": number, "Kd_Keg": jalan, "Kd_Rincian": "5.2.2.01.",
             "Kd_SubRinci": "01", "Sumberdana": "DDS", "Nilai": f"{amount:.16e}"}
        )  # fmt: skip
    for row in tables["Ta_SPP"]:  # the 2023 columns, in every row (the CSV's header is the first's)
        row.setdefault("Nm_Penerima", "")
        row.setdefault("Tgl_Bayar", "")
    tables["Ta_SPJ"].append(
        {"Tahun": "2024", "No_SPJ": f"0002/SPJ/{d}/2024", "Tgl_SPJ": "07/15/24 00:00:00", "Kd_Desa": d,
         "No_SPP": f"0101/SPP/{d}/2024", "Keterangan": "SPJ semen"}
    )  # fmt: skip
    tables["Ta_SPJRinci"].append(
        {"Tahun": "2024", "No_SPJ": f"0002/SPJ/{d}/2024", "Kd_Keg": jalan, "Kd_Rincian": "5.2.2.01.",
         "Sumberdana": "DDS", "JmlCair": "3000000", "Nilai": "2.4000000000000000e+06", "Sisa": "600000"}
    )  # fmt: skip
    return tables


def test_imported_advances_show_in_the_advance_and_activity_books(client, village_a, export, bendahara_a):
    import io

    import openpyxl
    from django.urls import reverse

    from balai.core.errors import ApplicationError
    from balai.finance import advances
    from balai.finance.models import AdvanceSettlement, PaymentRequest
    from balai.finance.tests.test_advances import _text

    kd, tables = export
    data = _zip(_with_advances(tables))
    plan = siskeudes.read_plan(data, village=village_a, year=2024)
    assert plan.totals()["real_spending"] == 41_700_000 + 2_400_000  # advances are no spending
    siskeudes.apply_plan(plan, village=village_a, actor=None, filename="a.zip")
    budget = Budget.objects.get(village=village_a, year=2024)
    assert selectors.lra(budget=budget).spending.realised == 44_100_000
    book = advances.advance_book(village=village_a, budget=budget)
    got = [(r.number, r.columns) for r in book.rows]
    assert got == [
        (f"0003/SPP/{kd}/2024", {"given": 1_500_000}),
        (f"0001/SPJ/{kd}/2024", {"spj": 1_500_000}),
        (f"0101/SPP/{kd}/2024", {"given": 3_000_000}),
        (f"0002/SPJ/{kd}/2024", {"spj": 2_400_000}),
        (f"0002/SPJ/{kd}/2024", {"returned": 600_000}),
        (f"0102/SPP/{kd}/2024", {"given": 1_000_000}),
    ]
    assert book.closing == 1_000_000  # the open advance
    assert "Darto" in book.rows[2].description
    first = PaymentRequest.objects.get(number=f"0101/SPP/{kd}/2024")
    assert (first.paid_on, first.source, first.status) == (dt.date(2024, 7, 2), Source.SISKEUDES, "paid")
    road = first.budget_line.activity
    ab = advances.activity_book(village=village_a, budget=budget, activity=road)
    # the LS material payment (22.2M) counts as received and spent, the advances as in Balai
    assert ab.totals == {"received": 27_700_000, "spent": 26_100_000, "returned": 600_000}
    assert ab.closing == 1_000_000
    # cash and bank still add up: the advances went out and came back through the ledger
    sums = {"in": 0, "out": 0}
    for e in Entry.objects.filter(budget=budget):
        sums[e.direction] += e.amount
    bal = selectors.balances(budget=budget)
    assert bal["total"] == budget.opening_cash + budget.opening_bank + sums["in"] - sums["out"]
    # an imported open advance takes its SPJ in Siskeudes, not here
    open_one = PaymentRequest.objects.get(number=f"0102/SPP/{kd}/2024")
    with pytest.raises(ApplicationError, match="diimpor dari Siskeudes"):
        advances.advance_settle(
            actor=bendahara_a, village=village_a, spp=open_one, number="X", date=dt.date(2024, 9, 1), spent=1
        )
    # the pages and files show them
    client.force_login(bendahara_a)
    page = client.get(reverse("finance:advances") + "?tahun=2024").content.decode()
    assert f"0101/SPP/{kd}/2024" in page
    assert "belum SPJ" in page
    sheet = client.get(reverse("finance:advance_book_xlsx") + "?tahun=2024")
    cells = [c for row in openpyxl.load_workbook(io.BytesIO(sheet.content)).active.values for c in row]
    assert f"0002/SPJ/{kd}/2024" in cells
    assert 600_000 in cells
    pdf_text = _text(client.get(reverse("finance:advance_book_pdf") + "?tahun=2024").content)
    assert "0101/SPP" in pdf_text
    assert "3.000.000" in pdf_text
    url = reverse("finance:activity_book", args=[road.public_id])
    page = client.get(url + "?tahun=2024").content.decode()
    assert "Pengembalian sisa panjar 0101/SPP" in page
    assert client.get(reverse("finance:activity_book_xlsx", args=[road.public_id])).status_code == 200
    assert "0002/SPJ" in _text(
        client.get(reverse("finance:activity_book_pdf", args=[road.public_id])).content
    )
    detail = client.get(reverse("finance:spp", args=[open_one.public_id])).content.decode()
    assert "diimpor dari Siskeudes" in detail
    assert 'id="spj-form"' not in detail
    # a re-import replaces them, and nothing doubles
    counts = (Entry.objects.count(), PaymentRequest.objects.count(), AdvanceSettlement.objects.count())
    siskeudes.apply_plan(
        siskeudes.read_plan(data, village=village_a, year=2024),
        village=village_a,
        actor=None,
        filename="a.zip",
    )
    assert (
        Entry.objects.count(),
        PaymentRequest.objects.count(),
        AdvanceSettlement.objects.count(),
    ) == counts
    assert counts[1:] == (3, 2)


def test_activity_book_pages_read_as_the_whole_book(client, village_a, bendahara_a):
    """Each page of a busy activity's book (read and summed by the database) shows the rows,
    running balance and carried balance of the whole book, SPJ rows included."""
    from django.urls import reverse

    from balai.finance import advances
    from balai.finance.models import Activity

    kd = siskeudes.siskeudes_village_code(village_a)
    tables = _with_advances(sample_tables(kd, 2024, extra_payments=230))
    siskeudes.apply_plan(
        siskeudes.read_plan(_zip(tables), village=village_a, year=2024),
        village=village_a,
        actor=None,
        filename="a",
    )
    budget = Budget.objects.get(village=village_a, year=2024)
    for activity in Activity.objects.filter(budget=budget):
        whole = advances.activity_book(village=village_a, budget=budget, activity=activity)
        seen = []
        for page in range(1, 5):
            book, paging = advances.activity_book_page(
                village=village_a, budget=budget, activity=activity, page=page, per_page=100
            )
            assert (book.totals, book.closing) == (whole.totals, whole.closing)
            start = (paging.page - 1) * 100
            if paging.page != page:
                break
            assert paging.carried == (whole.rows[start - 1].balance if start else None)
            seen += [(r.date, r.number, r.description, r.columns, r.balance) for r in paging.rows]
        assert seen == [(r.date, r.number, r.description, r.columns, r.balance) for r in whole.rows]
    busiest = max(
        Activity.objects.filter(budget=budget),
        key=lambda a: len(advances.activity_book(village=village_a, budget=budget, activity=a).rows),
    )
    client.force_login(bendahara_a)
    url = reverse("finance:activity_book", args=[busiest.public_id])
    page3 = client.get(url + "?hal=3").content.decode()
    assert "Saldo dari halaman sebelumnya" in page3
    assert "Halaman 3 dari 3" in page3
    assert client.get(url + "?hal=x").status_code == 200


def test_small_tables_are_read_here_large_ones_by_the_safe_reader(village_a, export, monkeypatch):
    """Both readers give the same plan; the in-process one keeps the safe reader's refusals."""
    _kd, tables = export
    data = _zip(tables)
    here = siskeudes.read_plan(data, village=village_a, year=2024)
    monkeypatch.setattr(siskeudes, "IN_PROCESS_BYTES", 0)  # every table through a child
    there = siskeudes.read_plan(data, village=village_a, year=2024)
    assert (here.totals(), len(here.entries), here.counts) == (
        there.totals(),
        len(there.entries),
        there.counts,
    )
    monkeypatch.undo()
    latin = io.BytesIO()
    with zipfile.ZipFile(latin, "w") as out, zipfile.ZipFile(io.BytesIO(data)) as src:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "Ta_TBP.csv":
                body = body.replace(b"Dana Desa", "Dana Désa".encode("latin-1"))
            out.writestr(info.filename, body)
    with pytest.raises(siskeudes.ImportRefused, match="Ta_TBP: Berkas CSV harus berenkode UTF-8"):
        siskeudes.read_plan(latin.getvalue(), village=village_a, year=2024)


MDB = Path(__file__).parent / "data" / "meza-test.mdb"
needs_mdbtools = pytest.mark.skipif(
    not Path(siskeudes.MDB_EXPORT).exists(), reason="mdbtools (Debian) is not installed"
)


@needs_mdbtools
def test_a_real_access_database_that_is_not_siskeudes_is_refused_naming_the_table(
    client, village_a, bendahara_a
):
    """A real JET file (see data/README.md) read through mdbtools: refused naming the missing
    required table and what the database holds; nothing written, by the service or the page."""
    from django.urls import reverse

    from balai.finance.models import ImportBatch

    data = MDB.read_bytes()
    assert data[4:19] == b"Standard Jet DB"
    with pytest.raises(siskeudes.ImportRefused) as exc:
        siskeudes.read_plan(data, village=village_a, year=2024)
    assert "Tabel wajib Ta_RABRinci tidak ada di database" in str(exc.value)
    assert "merchant_taylors" in str(exc.value)
    client.force_login(bendahara_a)
    upload = SimpleUploadedFile("siskeudes.mdb", data, content_type="application/octet-stream")
    page = client.post(reverse("finance:import"), {"file": upload, "tahun": "2024"}).content.decode()
    assert "Tabel wajib Ta_RABRinci tidak ada di database" in page
    assert not Budget.objects.exists()
    assert not Entry.objects.exists()
    assert not ImportBatch.objects.exists()


@needs_mdbtools
def test_the_access_reader_lists_tables_and_reads_rows(tmp_path, monkeypatch):
    """mdbtools' listing and export of the real file, through the import's own reader: its
    one table, and its 20 rows with their text, numbers and dates as the CSV path gets them."""
    files, present = siskeudes._read_mdb(MDB, tmp_path)
    assert present == ["merchant_taylors"]
    assert files == {}  # no table the import knows
    monkeypatch.setitem(siskeudes.KNOWN, "merchant_taylors", "merchant_taylors")
    files, _present = siskeudes._read_mdb(MDB, tmp_path)
    rows = siskeudes._read_all(files)["merchant_taylors"]
    assert len(rows) == 20
    assert (rows[0]["id no"], rows[0]["surname"], rows[0]["forenames"]) == ("1", "Aaron", "William")
    assert rows[0]["source ref"] == "MF 324"
    assert all(r["surname"] for r in rows)
    assert rows[0]["freedom"] == "01/00/00 00:00:00"  # the -D date format the import parses
