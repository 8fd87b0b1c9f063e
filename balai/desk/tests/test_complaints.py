import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from balai.audit.models import AuditEvent
from balai.core.dates import Month
from balai.desk import selectors, services
from balai.desk.models import Complaint, GuestEntry, SatisfactionResponse
from balai.desk.services import new_tracking_number, normalize_tracking

JKT = dt.timezone(dt.timedelta(hours=7))
ALL_FOUR = {f"u{n}": 4 for n in range(1, 10)}


def complaint(village, **kw):
    data = {"subject": "Lampu jalan mati", "body": "Di RT 02 sejak seminggu."} | kw
    return services.complaint_submit(actor=None, village=village, data=data)[0]


# --- Complaints ----------------------------------------------------------------------------


def test_tracking_numbers_are_random_and_carry_nothing_personal(village_a):
    numbers = {new_tracking_number() for _ in range(200)}
    assert len(numbers) == 200
    assert all(len(n) == 10 for n in numbers)
    c = complaint(village_a, name="SITI WAHYUNI", contact="081234567890")
    assert "0812" not in c.tracking_number
    assert c.tracking_display == f"{c.tracking_number[:5].upper()}-{c.tracking_number[5:].upper()}"
    assert normalize_tracking(c.tracking_display) == c.tracking_number


def test_a_complaint_is_audited_and_its_handling_too(village_a, operator_a):
    # given
    c = complaint(village_a)
    # when
    services.complaint_handle(
        actor=operator_a, complaint=c, state=Complaint.State.ANSWERED, response="Sudah diganti, terima kasih."
    )
    # then
    actions = list(AuditEvent.objects.filter(object_id=c.public_id).values_list("action", flat=True))
    assert actions == ["complaint.submitted", "complaint.handled"]
    c.refresh_from_db()
    assert c.state == Complaint.State.ANSWERED
    assert c.handled_by == operator_a
    assert c.responded_at is not None


def test_answered_needs_a_response(village_a, operator_a):
    c = complaint(village_a)
    with pytest.raises(ValidationError) as exc:
        services.complaint_handle(actor=operator_a, complaint=c, state=Complaint.State.ANSWERED, response="")
    assert "response" in exc.value.message_dict


def test_missing_fields_are_named(village_a):
    with pytest.raises(ValidationError) as exc:
        services.complaint_submit(actor=None, village=village_a, data={"subject": "", "body": "x"})
    assert "Perihal" in exc.value.message_dict["subject"][0]


def test_kiosk_complaint_gets_a_tracking_number(kiosk_a, village_a):
    # when
    response = kiosk_a.post(
        reverse("desk_kiosk:complaint_create"),
        {"kind": "saran", "subject": "Jam layanan", "body": "Buka Sabtu pagi.", "submit_key": "k-1"},
    )
    # then
    c = Complaint.objects.get()
    assert response.status_code == 200
    assert c.tracking_display in response.content.decode()
    assert c.source == Complaint.Source.KIOSK
    assert c.kind == "saran"
    assert c.resident is None  # nobody signed in on the device


def test_kiosk_complaint_of_a_signed_in_resident_is_linked_to_them(kiosk_a, resident_a, operator_a):
    # given: the resident signed in on the kiosk with NIK + PIN
    from balai.devices import pins
    from balai.devices import services as device_services
    from balai.devices.models import ResidentCredential

    device_services.pin_issue(actor=operator_a, resident=resident_a)
    ResidentCredential.objects.filter(resident=resident_a).update(
        pin_hash=pins.hash_pin("483920"), must_change_pin=False
    )
    signed = kiosk_a.post(reverse("kiosk:sign_in"), {"nik": resident_a.nik, "pin": "483920"})
    assert signed.status_code == 302
    # when
    kiosk_a.post(
        reverse("desk_kiosk:complaint_create"),
        {"subject": "Posyandu", "body": "Jadwal?", "submit_key": "r-1"},
    )
    # then
    c = Complaint.objects.get()
    assert c.resident == resident_a
    assert c.name == resident_a.name


def test_kiosk_complaint_double_tap_makes_one(kiosk_a):
    form = {"subject": "Jalan rusak", "body": "Berlubang.", "submit_key": "sama-1"}
    first = kiosk_a.post(reverse("desk_kiosk:complaint_create"), form)
    second = kiosk_a.post(reverse("desk_kiosk:complaint_create"), form)
    assert Complaint.objects.count() == 1
    number = Complaint.objects.get().tracking_display
    assert number in first.content.decode()
    assert number in second.content.decode()


def test_status_lookup_by_tracking_number_at_the_kiosk(kiosk_a, village_a, operator_a):
    # given
    c = complaint(village_a, name="SITI WAHYUNI")
    services.complaint_handle(actor=operator_a, complaint=c, state="answered", response="Sudah diperbaiki.")
    # when
    found = kiosk_a.post(reverse("desk_kiosk:complaint_status"), {"number": c.tracking_display.lower()})
    missing = kiosk_a.post(reverse("desk_kiosk:complaint_status"), {"number": "ABCDE-FGHJK"})
    # then
    assert found.status_code == 200
    text = found.content.decode()
    assert "Sudah diperbaiki." in text
    assert "SITI WAHYUNI" not in text  # the lookup shows status and response, not who wrote it
    assert missing.status_code == 404


def test_another_villages_tracking_number_is_not_found(kiosk_b, village_a):
    c = complaint(village_a)
    response = kiosk_b.post(reverse("desk_kiosk:complaint_status"), {"number": c.tracking_number})
    assert response.status_code == 404
    assert selectors.complaint_by_tracking(village=village_a, number=c.tracking_number) == c


def test_operator_records_and_answers_a_complaint(client_a, village_a):
    # when
    created = client_a.post(
        reverse("desk:complaint_create"),
        {"kind": "pengaduan", "subject": "Air PAM", "body": "Mati.", "name": "BUDI", "submit_key": "op-1"},
    )
    c = Complaint.objects.get()
    handled = client_a.post(
        reverse("desk:complaint_detail", args=[c.public_id]), {"state": "in_progress", "response": ""}
    )
    # then
    assert created.status_code == 302
    assert handled.status_code == 302
    c.refresh_from_db()
    assert c.source == Complaint.Source.OPERATOR
    assert c.state == Complaint.State.IN_PROGRESS
    listing = client_a.get(reverse("desk:complaint_list")).content.decode()
    assert "Air PAM" in listing


def test_complaints_of_another_village_are_404(client_a, village_b):
    c = complaint(village_b)
    assert client_a.get(reverse("desk:complaint_detail", args=[c.public_id])).status_code == 404


def test_the_head_may_not_operate_the_desk(client, kades_a):
    client.force_login(kades_a)
    assert client.get(reverse("desk:complaint_list")).status_code == 403


# --- Guest book ----------------------------------------------------------------------------


def test_guest_book_at_the_kiosk(kiosk_a, client_a, village_a):
    # when
    form = {
        "name": "Ahmad Fauzi",
        "origin": "Dinas Pertanian",
        "purpose": "Koordinasi",
        "visiting": "Kepala Desa",
        "phone": "0812 3456 7890",
        "submit_key": "tamu-1",
    }
    response = kiosk_a.post(reverse("desk_kiosk:guestbook"), form)
    kiosk_a.post(reverse("desk_kiosk:guestbook"), form)
    # then
    assert response.status_code == 200
    entry = GuestEntry.objects.get()
    assert entry.phone == "081234567890"
    assert AuditEvent.objects.filter(action="guestbook.signed", object_id=entry.public_id).count() == 1
    listing = client_a.get(reverse("desk:guest_list")).content.decode()
    assert "Ahmad Fauzi" in listing


def test_guest_book_names_missing_fields(kiosk_a):
    response = kiosk_a.post(reverse("desk_kiosk:guestbook"), {"name": "A", "origin": "", "purpose": "x"})
    assert response.status_code == 400
    assert "Asal / instansi wajib diisi" in response.content.decode()
    assert GuestEntry.objects.count() == 0


# --- IKM -----------------------------------------------------------------------------------


def test_ikm_needs_every_element(village_a):
    with pytest.raises(ValidationError) as exc:
        services.ikm_submit(village=village_a, answers={"u1": 4, "u2": 5})
    assert set(exc.value.message_dict) == {f"u{n}" for n in range(2, 10)}


def test_ikm_report_follows_permenpan_14_2017(village_a, village_b):
    # given: two respondents in November, one in October, one in another village
    nov = dt.datetime(2026, 11, 10, 9, 0, tzinfo=JKT)
    services.ikm_submit(village=village_a, answers=ALL_FOUR, service="Surat", now=nov)
    services.ikm_submit(village=village_a, answers=dict.fromkeys(ALL_FOUR, 3), service="Surat", now=nov)
    services.ikm_submit(village=village_a, answers=dict.fromkeys(ALL_FOUR, 1), now=nov.replace(month=10))
    services.ikm_submit(village=village_b, answers=dict.fromkeys(ALL_FOUR, 1), now=nov)
    # when
    report = selectors.ikm_report(village=village_a, year=2026, month=11)
    # then: NRR 3.5 on every element; IKM = 3.5 × 25 = 87.5 -> B (Baik)
    assert report.respondents == 2
    assert {e.nrr for e in report.elements} == {3.5}
    assert report.index == 87.5
    assert (report.grade, report.grade_label) == ("B", "Baik")
    assert report.by_service == [("Surat", 2, 87.5)]


@pytest.mark.parametrize(
    ("index", "grade"),
    [(100, "A"), (88.31, "A"), (88.30, "B"), (76.61, "B"), (76.60, "C"), (65.0, "C"), (64.99, "D")],
)
def test_ikm_grade_boundaries(index, grade):
    assert selectors.ikm_grade(index)[0] == grade


def test_ikm_at_the_kiosk_once_per_tap(kiosk_a, client_a):
    form = {**{k: str(v) for k, v in ALL_FOUR.items()}, "layanan": "Surat", "submit_key": "ikm-1"}
    first = kiosk_a.post(reverse("desk_kiosk:ikm"), form)
    kiosk_a.post(reverse("desk_kiosk:ikm"), form)
    assert first.status_code == 200
    row = SatisfactionResponse.objects.get()
    assert row.service == "Surat"
    this = Month.of(timezone.localdate())
    report = client_a.get(reverse("desk:ikm_report") + f"?bulan={this}").content.decode()
    assert "100" in report
    assert "Sangat baik" in report
    assert "berjalan, data sampai" in report  # this month's answers, labelled as a running month


def test_ikm_report_opens_on_the_last_complete_month(client_a):
    page = client_a.get(reverse("desk:ikm_report"))

    assert page.context["period"].month == Month.of(timezone.localdate()).previous()
    assert "berjalan, data sampai" not in page.content.decode()


def test_ikm_form_marks_unanswered_questions(kiosk_a):
    response = kiosk_a.post(reverse("desk_kiosk:ikm"), {"u1": "4", "submit_key": "ikm-2"})
    assert response.status_code == 400
    assert "desk-missing" in response.content.decode()
    assert SatisfactionResponse.objects.count() == 0
