"""Careers, leave and the BPD: decrees move officials, leave excuses days, bad input is refused whole."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from balai.audit.models import AuditEvent
from balai.core.errors import ApplicationError, NotAllowed
from balai.staff import bpd, careers, leave, rules
from balai.staff.models import Attendance, Decree, Leave, Official, Position
from balai.staff.selectors import attendance_recap, buku_aparat, org_chart, term_warnings, terms_ended
from balai.staff.tests.factories import OfficialFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@pytest.fixture
def posts(village_a, operator_a):
    careers.positions_seed_standard(actor=operator_a, village=village_a)
    return {p.title: p for p in Position.objects.filter(village=village_a)}


def _appoint(operator, village, official, post, number="141/01/2025", date=dt.date(2025, 1, 6), **kw):
    return careers.decree_record(
        actor=operator,
        village=village,
        official=official,
        data={
            "kind": "angkat",
            "number": number,
            "date": date,
            "signer": "Kepala Desa",
            "position": post.public_id,
            **kw,
        },
    )


def test_appointment_decree_fills_the_post_and_sets_the_age_limit(village_a, operator_a, posts):
    # given an official born in 1980
    official = OfficialFactory(village=village_a, name="RINA", position="Staf")
    careers.profile_update(actor=operator_a, official=official, data={"birth_date": "1980-03-15"})

    # when the appointment decree is recorded with a scan
    decree = careers.decree_record(
        actor=operator_a,
        village=village_a,
        official=official,
        data={
            "kind": "angkat",
            "number": "141/02/2025",
            "date": "2025-02-01",
            "signer": "Kepala Desa",
            "position": posts["Kaur Keuangan"].public_id,
        },
        scan=PDF,
    )

    # then the post is hers, until her 60th birthday, and the chart and the book show it
    official.refresh_from_db()
    assert (official.position, official.term_start, official.term_end) == (
        "Kaur Keuangan",
        dt.date(2025, 2, 1),
        dt.date(2040, 3, 15),
    )
    chart = org_chart(village=village_a)
    assert [b.holder for b in chart.kaur if b.position.title == "Kaur Keuangan"] == [official]
    assert chart.vacant == len(rules.STANDARD_SOTK) - 1
    row = next(r for r in buku_aparat(village=village_a) if r.official == official)
    assert row.appointment == decree
    assert decree.scan_type == "application/pdf"
    assert AuditEvent.objects.filter(action="decree.angkat", object_id=official.public_id).exists()


def test_head_term_is_eight_years_and_a_second_head_is_refused(village_a, operator_a, posts):
    head = OfficialFactory(village=village_a, name="SUTRISNO")
    _appoint(operator_a, village_a, head, posts["Kepala Desa"], signer="Bupati Batang")
    head.refresh_from_db()
    assert head.term_end == dt.date(2033, 1, 5)

    other = OfficialFactory(village=village_a, name="PARJO")
    with pytest.raises(ValidationError) as err:
        _appoint(
            operator_a, village_a, other, posts["Kepala Desa"], number="141/09/2026", date=dt.date(2026, 1, 1)
        )
    assert "SUTRISNO" in str(err.value)
    assert not Decree.objects.filter(number="141/09/2026").exists()


def test_dismissal_dated_before_the_appointment_is_refused(village_a, operator_a, posts):
    official = OfficialFactory(village=village_a, name="RINA")
    _appoint(operator_a, village_a, official, posts["Kasi Pelayanan"])
    data = {"kind": "henti", "number": "141/03/2024", "date": "2024-12-01", "signer": "Kepala Desa"}

    with pytest.raises(ValidationError) as err:
        careers.decree_record(
            actor=operator_a, village=village_a, official=official, data={**data, "reason": "permintaan"}
        )

    assert "141/01/2025" in str(err.value)
    official.refresh_from_db()
    assert official.is_active


def test_dismissal_ends_service_and_the_post_becomes_vacant(village_a, operator_a, posts):
    official = OfficialFactory(village=village_a, name="RINA")
    _appoint(operator_a, village_a, official, posts["Kasi Pelayanan"])
    careers.decree_record(
        actor=operator_a,
        village=village_a,
        official=official,
        data={
            "kind": "henti",
            "number": "141/05/2026",
            "date": "2026-01-10",
            "signer": "Kepala Desa",
            "reason": "usia",
        },
    )
    official.refresh_from_db()
    assert not official.is_active
    box = next(b for b in org_chart(village=village_a).kasi if b.position.title == "Kasi Pelayanan")
    assert box.vacant
    row = next(r for r in buku_aparat(village=village_a) if r.official == official)
    assert row.dismissal is not None


@pytest.mark.parametrize(
    ("data", "scan", "field"),
    [
        ({"number": ""}, None, "number"),
        ({"date": "31-31-2025"}, None, "date"),
        ({"position": "tidakada"}, None, "position"),
        ({}, b"MZ\x90\x00 not a pdf", "scan"),
        ({"kind": "naik"}, None, "kind"),
    ],
)
def test_bad_decrees_are_refused_naming_the_field(village_a, operator_a, posts, data, scan, field):
    official = OfficialFactory(village=village_a)
    base = {"kind": "angkat", "number": "1/2025", "date": "2025-01-01", "signer": "Kades"}
    base["position"] = posts["Kasi Pelayanan"].public_id
    with pytest.raises(ValidationError) as err:
        careers.decree_record(
            actor=operator_a, village=village_a, official=official, data={**base, **data}, scan=scan
        )
    assert field in err.value.message_dict
    assert not Decree.objects.exists()


def test_official_or_post_of_another_village_is_refused(village_a, village_b, operator_a, posts):
    careers.positions_seed_standard(actor=None, village=village_b)
    theirs = Position.objects.filter(village=village_b, title="Kasi Pelayanan").get()
    mine = OfficialFactory(village=village_a)
    with pytest.raises(ValidationError):
        _appoint(operator_a, village_a, mine, theirs)
    with pytest.raises(ApplicationError):
        _appoint(operator_a, village_a, OfficialFactory(village=village_b), posts["Kasi Pelayanan"])


# --- Leave -------------------------------------------------------------------------------------


def test_leave_approved_by_the_head_shows_excused_in_the_recap(village_a, operator_a, kades_a):
    official = OfficialFactory(village=village_a, name="RINA", position="Kaur Umum")
    request = leave.leave_request(
        actor=operator_a,
        village=village_a,
        official=official,
        data={"kind": "cuti", "start": "2026-11-02", "end": "2026-11-04", "reason": "Keluarga"},
    )
    assert request.days == 3

    leave.leave_decide(actor=kades_a, leave=request, approve=True)

    recap = attendance_recap(village=village_a, year=2026, month=11, today=dt.date(2026, 11, 30))
    row = next(r for r in recap.rows if r.official == official)
    assert row.days[1:4] == ["C", "C", "C"]
    assert row.excused == 3
    assert row.absent == len(recap.workdays) - 3


def test_overlapping_leave_and_exceeding_the_balance_are_refused(village_a, operator_a):
    official = OfficialFactory(village=village_a)
    leave.leave_request(
        actor=operator_a,
        village=village_a,
        official=official,
        data={"kind": "izin", "start": "2026-11-02", "end": "2026-11-03", "reason": "Urusan"},
    )
    with pytest.raises(ValidationError) as err:
        leave.leave_request(
            actor=operator_a,
            village=village_a,
            official=official,
            data={"kind": "sakit", "start": "2026-11-03", "end": "2026-11-05", "reason": "Demam"},
        )
    assert "Bertumpuk" in str(err.value)
    with pytest.raises(ValidationError) as err:
        leave.leave_request(
            actor=operator_a,
            village=village_a,
            official=official,
            data={"kind": "cuti", "start": "2026-12-01", "end": "2026-12-31", "reason": "Panjang"},
        )
    assert "Sisa cuti" in str(err.value)
    assert Leave.objects.count() == 1


def test_only_the_camat_decides_the_heads_leave(village_a, operator_a, kades_a, camat_a):
    head = OfficialFactory(
        village=village_a, name="SUTRISNO", signs_letters=True, signs_as=Official.SignsAs.OWN, user=kades_a
    )
    request = leave.leave_request(
        actor=kades_a,
        village=village_a,
        official=head,
        data={
            "kind": "dinas",
            "start": "2026-11-10",
            "end": "2026-11-11",
            "reason": "Rakor",
            "destination": "Batang",
        },
    )
    with pytest.raises(NotAllowed):
        leave.leave_decide(actor=kades_a, leave=request, approve=True)
    decided = leave.leave_decide(actor=camat_a, leave=request, approve=True)
    assert decided.status == Leave.Status.APPROVED
    assert decided.number.endswith("/SPPD/" + str(dt.date.today().year))


def test_an_official_without_clerk_rights_files_only_their_own(village_a, kades_a):
    other = OfficialFactory(village=village_a, name="PARJO")
    with pytest.raises(NotAllowed):
        leave.leave_request(
            actor=kades_a,
            village=village_a,
            official=other,
            data={"kind": "izin", "start": "2026-11-02", "reason": "x"},
        )


def test_attendance_on_a_leave_day_still_counts_present(village_a, operator_a, kades_a):
    from django.utils import timezone

    official = OfficialFactory(village=village_a)
    request = leave.leave_request(
        actor=operator_a,
        village=village_a,
        official=official,
        data={"kind": "izin", "start": "2026-11-02", "end": "2026-11-02", "reason": "Urusan"},
    )
    leave.leave_decide(actor=kades_a, leave=request, approve=True)
    at = timezone.make_aware(dt.datetime.combine(dt.date(2026, 11, 2), dt.time(7, 30)))
    Attendance.objects.create(village=village_a, official=official, day=dt.date(2026, 11, 2), check_in_at=at)
    recap = attendance_recap(village=village_a, year=2026, month=11, today=dt.date(2026, 11, 30))
    row = next(r for r in recap.rows if r.official == official)
    assert (row.days[1], row.excused) == ("H", 0)


# --- BPD and terms -----------------------------------------------------------------------------


def test_bpd_term_defaults_to_the_rule_and_one_chair_per_period(village_a, operator_a):
    chair = bpd.bpd_member_create(
        actor=operator_a,
        village=village_a,
        data={"name": "HARTONO", "role": "ketua", "term_start": "2020-03-01"},
    )
    assert chair.term_end == dt.date(2028, 2, 29)
    with pytest.raises(ValidationError) as err:
        bpd.bpd_member_create(
            actor=operator_a,
            village=village_a,
            data={"name": "SUMARNI", "role": "ketua", "term_start": "2021-01-01"},
        )
    assert "HARTONO" in str(err.value)
    with pytest.raises(ValidationError):
        bpd.bpd_member_create(
            actor=operator_a,
            village=village_a,
            data={"name": "X", "term_start": "2021-01-01", "term_end": "2035-01-01"},
        )


def test_terms_ending_within_six_months_are_warned(village_a, operator_a):
    today = dt.date(2026, 12, 1)
    OfficialFactory(village=village_a, name="SOON", term_end=dt.date(2027, 3, 1))
    OfficialFactory(village=village_a, name="LATER", term_end=dt.date(2029, 3, 1))
    bpd.bpd_member_create(
        actor=operator_a,
        village=village_a,
        data={"name": "BPD SOON", "term_start": "2019-05-01", "term_end": "2027-04-30"},
    )
    names = [w.name for w in term_warnings(village=village_a, today=today)]
    assert names == ["SOON", "BPD SOON"]


def test_operator_corrects_attendance_with_a_reason_and_it_is_audited(village_a, operator_a):
    from balai.staff import attendance

    official = OfficialFactory(village=village_a)
    day = dt.date(2026, 11, 2)
    with pytest.raises(ValidationError):
        attendance.attendance_correct(
            actor=operator_a, official=official, day=day, check_in=dt.time(8), check_out=None, reason=""
        )
    row = attendance.attendance_correct(
        actor=operator_a,
        official=official,
        day=day,
        check_in=dt.time(7, 45),
        check_out=dt.time(15, 5),
        reason="Anjungan mati",
    )
    assert row is not None
    assert (row.check_in_method, row.correction_reason, row.corrected_by) == (
        "koreksi",
        "Anjungan mati",
        operator_a,
    )
    event = AuditEvent.objects.get(action="attendance.corrected")
    assert event.changes["in"] == ["", "07:45"]
    recap = attendance_recap(village=village_a, year=2026, month=11, today=dt.date(2026, 11, 30))
    assert next(r for r in recap.rows if r.official == official).days[1] == "H"


def test_village_calendar_changes_workdays_and_imports_all_or_nothing(village_a, operator_a):
    from balai.staff import attendance
    from balai.staff.models import CalendarDay

    csv = b"Tanggal,Jenis,Keterangan\n03-11-2026,libur,Sedekah bumi\n2026-11-07,kerja,Kerja bakti kantor\n"
    assert attendance.calendar_import(actor=operator_a, village=village_a, data=csv) == 2
    recap = attendance_recap(village=village_a, year=2026, month=11, today=dt.date(2026, 11, 30))
    assert dt.date(2026, 11, 3) not in recap.workdays
    assert dt.date(2026, 11, 7) in recap.workdays  # a Saturday made a working day
    bad = b"Tanggal,Jenis,Keterangan\n2026-11-10,libur,Ok\n31-02-2026,libur,X\n"
    with pytest.raises(ValidationError) as err:
        attendance.calendar_import(actor=operator_a, village=village_a, data=bad)
    assert "Baris 2" in str(err.value)
    assert CalendarDay.objects.filter(village=village_a).count() == 2


def test_regional_attendance_rate_follows_each_villages_calendar(village_a, village_b, operator_a):
    """Issue 18: the regency's rate counts a village's own days off and make-up working days."""
    from balai.regions.models import Village
    from balai.staff import attendance
    from balai.staff.selectors import staffing_regional

    for village in (village_a, village_b):
        OfficialFactory(village=village)
    # November 2026 up to Tuesday the 10th: 2-6 and 9-10 are weekdays, no national holiday.
    today = dt.date(2026, 11, 10)
    attendance.calendar_import(
        actor=operator_a,
        village=village_a,
        data=(
            b"Tanggal,Jenis,Keterangan\n2026-11-03,libur,Sedekah bumi\n2026-11-04,libur,Cuti bersama\n"
            b"2026-11-07,kerja,Kerja bakti\n"
        ),
    )
    official_a = Official.objects.get(village=village_a)
    for day in (dt.date(2026, 11, 7), dt.date(2026, 11, 9)):
        attendance.attendance_correct(
            actor=operator_a, official=official_a, day=day, check_in=dt.time(8), check_out=None, reason="X"
        )
    rows = {
        r.code: r
        for r in staffing_regional(
            villages=Village.objects.filter(pk__in=[village_a.pk, village_b.pk]), today=today
        )
    }
    # Village A: 7 weekdays - the 3rd and 4th (its own days off) + Saturday the 7th (make-up) = 6.
    assert rows[village_a.code].expected_days == 6
    assert rows[village_a.code].present_days == 2
    assert rows[village_a.code].attendance_rate == round(100 * 2 / 6, 1)
    # Village B keeps the plain calendar: 7 weekdays, nobody checked in.
    assert (rows[village_b.code].expected_days, rows[village_b.code].attendance_rate) == (7, 0.0)


def test_regional_attendance_rate_leaves_out_approved_leave_and_travel(village_a, operator_a, regency_viewer):
    """Issue 18: excused days (approved leave/travel) are neither present nor absent; a day with
    a check-in stays present; requested, rejected or cancelled leave changes nothing."""
    from balai.regions.models import Village
    from balai.staff import attendance
    from balai.staff.models import Leave
    from balai.staff.selectors import staffing_regional

    one = OfficialFactory(village=village_a)
    two = OfficialFactory(village=village_a)
    inactive = OfficialFactory(village=village_a, is_active=False)
    today = dt.date(2026, 11, 10)  # 7 weekdays so far: 2-6, 9-10

    def add(official, start, end, status=Leave.Status.APPROVED, kind=Leave.Kind.ANNUAL):
        Leave.objects.create(
            village=village_a, official=official, kind=kind, start=start, end=end, reason="x", status=status
        )

    # One: approved leave from October into Monday 2 Nov (1 day), travel 4-8 Nov (Wed-Fri, but a
    # check-in on the 5th keeps that day present; the weekend inside it adds nothing).
    add(one, dt.date(2026, 10, 28), dt.date(2026, 11, 2))
    add(one, dt.date(2026, 11, 4), dt.date(2026, 11, 8), kind=Leave.Kind.TRAVEL)
    attendance.attendance_correct(
        actor=operator_a,
        official=one,
        day=dt.date(2026, 11, 5),
        check_in=dt.time(8),
        check_out=None,
        reason="X",
    )
    # Two: requested, rejected and cancelled leave do not excuse; approved leave after today neither.
    add(two, dt.date(2026, 11, 2), dt.date(2026, 11, 3), status=Leave.Status.REQUESTED)
    add(two, dt.date(2026, 11, 4), dt.date(2026, 11, 4), status=Leave.Status.REJECTED)
    add(two, dt.date(2026, 11, 5), dt.date(2026, 11, 5), status=Leave.Status.CANCELLED)
    add(two, dt.date(2026, 11, 11), dt.date(2026, 11, 12))
    # An inactive official's leave is not in the denominator to begin with.
    add(inactive, dt.date(2026, 11, 2), dt.date(2026, 11, 6))
    (row,) = staffing_regional(villages=Village.objects.filter(pk=village_a.pk), today=today)
    assert row.excused_days == 3  # the 2nd, 4th and 6th
    assert row.expected_days == 2 * 7 - 3
    assert row.present_days == 1
    assert row.attendance_rate == round(100 * 1 / 11, 1)
    # The same figures in the API and the XLSX.
    import time_machine
    from django.test import Client

    c = Client()
    c.force_login(regency_viewer)
    with time_machine.travel(dt.datetime(2026, 11, 10, 12, tzinfo=dt.UTC), tick=False):
        xlsx = c.get("/perangkat/wilayah/xlsx/")
    assert xlsx.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(xlsx.content)).worksheets[0]
    values = [c.value for c in sheet[4]]
    assert values[-2:] == [round(100 * 1 / 11, 1), 3]


def test_an_ended_term_is_its_own_task_not_an_ending_one(village_a, client, kades_a):
    from django.urls import reverse
    from django.utils import timezone

    today = timezone.localdate()
    OfficialFactory(village=village_a, name="SOON", term_end=today + dt.timedelta(days=60))
    OfficialFactory(village=village_a, name="ENDED", position="Kepala Dusun X", term_end=dt.date(2023, 7, 8))

    assert [w.name for w in term_warnings(village=village_a, today=today)] == ["SOON"]
    assert [o.name for o in terms_ended(village=village_a, today=today)] == ["ENDED"]
    client.force_login(kades_a)
    home = client.get(reverse("home")).content.decode()
    assert "Masa jabatan sudah berakhir — perlu SK baru" in home
    chart = client.get(reverse("staff:org_chart")).content.decode()
    assert "sudah lewat" not in chart
    assert 'id="masa-berakhir"' in chart
