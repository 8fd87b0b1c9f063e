"""Issue 18's 'done means', in a real browser on the demo: the kades sees the org chart and
approves a leave, which then shows as excused in the recap; an official's appointment decree is
recorded and the Buku Aparat lists it; Dispermades sees terms ending soon. Also the kades follows
up a resident's kiosk report of an absent official (issue 18 item 5)."""

import os
import re

import pytest
from playwright.sync_api import expect

from balai.devtools import demo
from balai.regions.models import Village
from balai.staff.models import AbsenceReport, Decree, Leave, Official

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "rahasia-demo-123"
SHOTS = os.environ.get("BALAI_SCREENSHOTS", "")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


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


def test_kades_operator_and_regency_walk_through_staffing(page, tmp_path):
    # given the demo's first village with its accounts
    demo.generate(villages=1, residents_per_village=60, seed=7)
    demo.ensure_accounts(password=PASSWORD)
    brokoh = Village.objects.get(code=demo.PILOT_CODES[0])
    request = Leave.objects.get(village=brokoh, status=Leave.Status.REQUESTED)

    # when the kades opens the org chart
    _sign_in(page, "kades.brokoh")
    page.goto("/perangkat/susunan/")
    # then every post is drawn with its holder, vacant ones as such, and the BPD below
    expect(page.locator("h1")).to_contain_text("Susunan organisasi")
    expect(page.locator("#sotk")).to_contain_text("Kepala Desa")
    expect(page.locator("#sotk")).to_contain_text("Lowong")
    expect(page.locator("body")).to_contain_text("Badan Permusyawaratan Desa")
    _shot(page, tmp_path, "staffing-org-chart")

    # when the kades approves the open request (an official trip) from the leave page
    page.goto("/perangkat/cuti/")
    row = page.locator("#leave-table tr", has_text=request.official.name).filter(has_text="Diajukan")
    row.get_by_role("button", name="Setujui").click()
    expect(page.locator(".messages")).to_contain_text("disetujui")
    _shot(page, tmp_path, "staffing-leave")

    # then the recap of that month shows the day as excused ("D", dinas luar), not absent
    page.goto(f"/perangkat/kehadiran/?bulan={request.start:%Y-%m}")
    recap_row = page.locator("table.desk-recap tbody tr", has_text=request.official.name)
    cells = recap_row.locator("td")
    expect(cells.nth(9 + request.start.day - 1)).to_have_text("D")
    _shot(page, tmp_path, "staffing-recap")

    # when the kades follows up a resident's kiosk report that an official was not in the office
    # (a Beranda task), marking it handled with a note the resident will read at the kiosk
    page.goto("/")
    expect(page.locator("body")).to_contain_text("Laporan warga: perangkat tidak di kantor")
    page.goto("/perangkat/kehadiran/laporan-warga/")
    report = AbsenceReport.objects.get(village=brokoh, status=AbsenceReport.Status.OPEN)
    row = page.locator(f'tr[data-report="{report.public_id}"]')
    expect(row).to_contain_text(report.official.name)
    _shot(page, tmp_path, "staffing-absence-reports")
    row.get_by_label("Sudah ditindaklanjuti").check()
    row.locator("input[name=note]").fill("Sudah ditegur; jadwal piket pelayanan diperbaiki.")
    row.get_by_role("button", name="Simpan").click()
    expect(page.locator(".messages")).to_contain_text("sudah diputuskan")
    report.refresh_from_db()
    assert report.status == AbsenceReport.Status.HANDLED
    # and the recap of the report's month marks that official's day
    page.goto(f"/perangkat/kehadiran/?bulan={report.seen_at:%Y-%m}")
    marked = page.locator("table.desk-recap tbody tr", has_text=report.official.name)
    expect(marked.locator(".reported-mark").first).to_be_visible()

    # when the operator adds an official and records the appointment decree with its scan
    _sign_in(page, "operator.brokoh")
    page.goto("/perangkat/baru/")
    page.fill("#id_name", "Budi Santoso")
    page.fill("#id_position", "Staf")
    page.get_by_role("button", name=re.compile("Simpan")).click()
    budi = Official.objects.get(village=brokoh, name="Budi Santoso")
    page.goto(f"/perangkat/{budi.public_id}/riwayat/")
    page.select_option("#id_kind", "angkat")
    page.fill("#id_number", "141/15/2026")
    page.fill("#id_date", "2026-11-02")
    page.fill("#id_signer", "Kepala Desa Brokoh")
    page.select_option("#id_position", label="Kaur Tata Usaha dan Umum")
    page.set_input_files("#id_scan", files=[{"name": "sk.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="Simpan SK").click()
    expect(page.locator(".messages")).to_contain_text("141/15/2026")
    assert Decree.objects.get(number="141/15/2026").scan_type == "application/pdf"
    _shot(page, tmp_path, "staffing-decree")

    # then the Buku Aparat lists the decree against Budi, now Kaur Tata Usaha dan Umum
    page.goto("/perangkat/buku-aparat/")
    budi_row = page.locator("#buku-aparat tr", has_text="Budi Santoso")
    expect(budi_row).to_contain_text("141/15/2026")
    expect(budi_row).to_contain_text("Kaur Tata Usaha dan Umum")
    _shot(page, tmp_path, "staffing-buku-aparat")

    # when Dispermades opens the staffing view, the terms ending within six months are listed
    _sign_in(page, "dispermades")
    page.goto("/perangkat/wilayah/")
    table = page.locator("#staffing-regional")
    expect(table).to_contain_text("Brokoh")
    expect(table).to_contain_text("BPD")
    _shot(page, tmp_path, "staffing-regional")
