"""Issue 15's 'done means', in a real browser: an operator records the death of a woman who
receives aid, is pregnant and signs letters as an official; the event's page shows what every
module did, the review queue lists the decisions, the operator cancels the mistaken event and
everything comes back; the population books and the monthly report open as PDF and XLSX and
add up (start + in − out = end)."""

import datetime as dt
import io
import os

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from balai.accounts.models import Role, User
from balai.aid.models import Programme, Recipient
from balai.health.models import Pregnancy
from balai.people import codes
from balai.people.models import Resident
from balai.people.tests.factories import FamilyFactory, ResidentFactory, RtFactory, VillageFactory
from balai.staff.models import Official

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "rahasia-demo-123"
SHOTS = os.environ.get("BALAI_SCREENSHOTS", "")


def _sign_in(page, username):
    page.context.clear_cookies()
    page.goto("/akun/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def _shot(page, tmp_path, name):
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_operator_records_a_death_sees_the_review_queue_and_cancels_it(page, tmp_path):
    page.set_default_timeout(60_000)  # the shared machine is loaded; nothing here waits on purpose
    today = timezone.localdate()
    brokoh = VillageFactory(code="33.25.01.2007", name="Brokoh")
    family = FamilyFactory(village=brokoh, rt=RtFactory(village=brokoh))
    head = ResidentFactory(
        village=brokoh, family=family, rt=family.rt, sex=1, family_relation=1, name="SUPARNO"
    )
    family.head = head
    family.save(update_fields=["head"])
    woman = ResidentFactory(
        village=brokoh,
        family=family,
        rt=family.rt,
        sex=2,
        family_relation=3,
        name="SITI WAHYUNI",
        birth_date=dt.date(1994, 7, 1),
    )
    for i in range(6):
        ResidentFactory(village=brokoh, family=family, rt=family.rt, sex=1 + i % 2, family_relation=4)
    User.objects.create_user("operator.brokoh", password=PASSWORD, role=Role.OPERATOR, village=brokoh)
    programme = Programme.objects.create(
        village=brokoh,
        name="BLT Ibu Hamil",
        code="blt-bumil",
        source=Programme.Source.DANA_DESA,
        target_unit=Programme.TargetUnit.PERSON,
        period=str(today.year),
        period_start=today.replace(month=1, day=1),
        period_end=today.replace(month=12, day=31),
        benefit_amount=300_000,
        status=Programme.Status.ACTIVE,
    )
    recipient = Recipient.objects.create(
        village=brokoh,
        programme=programme,
        period=programme.period,
        resident=woman,
        source=Recipient.Source.MANUAL,
        enrolled_on=programme.period_start,
    )
    pregnancy = Pregnancy.objects.create(
        village=brokoh,
        mother=woman,
        lmp_date=today - dt.timedelta(weeks=20),
        due_date=today + dt.timedelta(weeks=20),
    )
    Official.objects.create(
        village=brokoh,
        resident=woman,
        name=woman.name,
        position="Kaur Umum",
        signs_letters=True,
        signs_as="ub",
    )

    # when the operator records her death from her page
    _sign_in(page, "operator.brokoh")
    page.goto(f"/penduduk/{woman.public_id}/")
    page.get_by_role("link", name="Meninggal").click()
    page.fill("#id_event_date", today.strftime("%Y-%m-%d"))
    page.get_by_role("button", name="Simpan").click()

    # then the event's page lists what every module did
    expect(page.locator("h1")).to_contain_text("Mati")
    consequences = page.locator("#consequences")
    expect(consequences).to_contain_text("Bantuan sosial")
    expect(consequences).to_contain_text("ditangguhkan")
    expect(consequences).to_contain_text("ibu meninggal")
    expect(consequences).to_contain_text("kewenangan tanda tangan dicabut")
    _shot(page, tmp_path, "single-event")

    # and the review queue holds the decisions, counted on the operator's home page (Beranda)
    page.goto("/")
    task = page.get_by_role("link", name="Perlu ditinjau akibat peristiwa kependudukan")
    expect(task).to_be_visible()
    _shot(page, tmp_path, "single-home")
    task.click()
    queue = page.locator("#review-queue")
    expect(queue).to_contain_text("Kaur Umum")
    expect(queue).to_contain_text("kematian ibu")
    _shot(page, tmp_path, "single-review-queue")
    recipient.refresh_from_db()
    assert recipient.status == Recipient.Status.SUSPENDED

    # when the operator finds it was a mistake and cancels the event with a reason
    page.get_by_role("link", name="Mati", exact=True).first.click()
    page.fill("#id_reason", "Salah pilih penduduk")
    page.get_by_role("button", name="Batalkan peristiwa").click()
    expect(page.locator(".notice.warning")).to_contain_text("Salah pilih penduduk")
    _shot(page, tmp_path, "single-event-cancelled")

    # then everything is as before
    woman.refresh_from_db()
    recipient.refresh_from_db()
    pregnancy.refresh_from_db()
    assert woman.status == codes.STATUS_ALIVE
    assert recipient.status == Recipient.Status.ACTIVE
    assert pregnancy.outcome == ""
    assert Official.objects.get(resident=woman).is_active

    # and a real death this time, for the books: the month adds up
    from balai.people.services import death_record

    death_record(actor=None, resident=Resident.objects.get(pk=head.pk), event_date=today)
    # (the books open on the last complete month; this month is chosen and labelled running)
    page.goto(f"/penduduk/buku/?bulan={today:%Y-%m}")
    expect(page.locator("#period")).to_contain_text("berjalan, data sampai")
    report = page.locator("#monthly-report")
    expect(report).to_contain_text("Awal + lahir + datang")
    expect(report.locator("tr[data-row=deaths] td").last).to_have_text("1")
    _shot(page, tmp_path, "single-books")
    month = f"{today:%Y-%m}"
    xlsx = page.request.get(f"/penduduk/buku/laporan-bulanan/?format=xlsx&bulan={month}")
    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx.body())).worksheets[0].values)
    values = {r[0]: r[3] for r in rows[4:] if r[0]}
    assert values["Penduduk awal bulan"] - values["Meninggal"] == values["Penduduk akhir bulan"] == 7
    pdf = page.request.get(f"/penduduk/buku/laporan-bulanan/?format=pdf&bulan={month}")
    assert pdf.body().startswith(b"%PDF")
    for slug in ("induk", "mutasi", "rekapitulasi", "sementara", "ktp-kk"):
        for fmt in ("pdf", "xlsx"):
            got = page.request.get(f"/penduduk/buku/unduh/?buku={slug}&format={fmt}&bulan={month}")
            assert got.status == 200, (slug, fmt)
    # and the book opens from the browser: Chromium shows the PDF in its viewer; the headless
    # shell, which has no viewer, downloads it instead
    try:
        opened = page.goto(f"/penduduk/buku/unduh/?buku=induk&format=pdf&bulan={month}")
    except PlaywrightError as error:
        if "Download is starting" not in error.message:
            raise
    else:
        assert opened is not None
        assert opened.ok
    page.goto("/penduduk/statistik/?kategori=umur")
    expect(page.locator("#stats")).to_contain_text("Jumlah")
    _shot(page, tmp_path, "single-statistics")
