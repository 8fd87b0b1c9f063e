import datetime as dt
import zipfile

import pytest

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
