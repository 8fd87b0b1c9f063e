import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from balai.audit.models import AuditEvent
from balai.core.errors import ApplicationError
from balai.letters.fields import clean_fields
from balai.letters.models import Letter, LetterSettings
from balai.letters.services import workflow
from balai.letters.tests.conftest import correct_domisili, issue_domisili, request_domisili
from balai.letters.text import ROMAN_MONTHS
from balai.people import codes
from balai.people.tests.factories import ResidentFactory

S = Letter.State


def test_whole_flow_numbers_signs_and_audits(issued_a, operator_a):
    # then
    today = timezone.localdate()
    assert issued_a.state == S.ISSUED
    assert issued_a.number == f"474.4/001/33.25.01.2007/{ROMAN_MONTHS[today.month - 1]}/{today.year}"
    assert len(issued_a.token) >= 22
    assert issued_a.token not in issued_a.subject.nik
    assert issued_a.content["signer"]["name"] == "SUPARMAN"
    actions = list(
        AuditEvent.objects.filter(object_type="letter", object_id=issued_a.public_id).values_list(
            "action", flat=True
        )
    )
    assert actions == ["letter.requested", "letter.verified", "letter.signed", "letter.issued"]


def test_numbers_follow_each_other_per_village_and_year(operator_a, kades_a, kades_official_a, resident_a):
    # when
    first = issue_domisili(operator_a, kades_a, resident_a)
    second = issue_domisili(operator_a, kades_a, resident_a)
    # then
    assert (first.sequence, second.sequence) == (1, 2)
    assert "/002/" in second.number


def test_per_type_sequence_and_custom_format(operator_a, kades_a, kades_official_a, resident_a, village_a):
    # given
    LetterSettings.objects.create(
        village=village_a, per_type_sequence=True, number_format="[kode]/[nomor,4]/[tahun]"
    )
    issue_domisili(operator_a, kades_a, resident_a)
    other = workflow.letter_request_create(
        actor=operator_a,
        village=village_a,
        type_code="penduduk",
        subject=resident_a,
        fields={"keperluan": "Bank"},
        requirements=["Fotokopi KK"],
    )
    other = workflow.letter_verify(actor=operator_a, letter=other)
    other = workflow.letter_sign(actor=kades_a, letter=other)
    # when
    other = workflow.letter_issue(actor=operator_a, letter=other)
    # then
    assert other.number == f"474/0001/{timezone.localdate().year}"


def test_sekdes_signs_on_behalf_of_the_head(operator_a, sekdes_a, sekdes_official_a, resident_a):
    # when
    letter = issue_domisili(operator_a, sekdes_a, resident_a)
    # then
    assert letter.content["signer"]["on_behalf"] == "a.n. Kepala Desa Brokoh"
    assert letter.content["signer"]["position"] == "Sekretaris Desa"
    assert letter.content["signer"]["nip"] == "NIPD. 1234"


def test_operator_cannot_sign(operator_a, kades_official_a, resident_a):
    letter = workflow.letter_verify(actor=operator_a, letter=request_domisili(operator_a, resident_a))
    with pytest.raises(ApplicationError):
        workflow.letter_sign(actor=operator_a, letter=letter)


def test_kades_without_signing_authority_cannot_sign(operator_a, kades_a, resident_a):
    letter = workflow.letter_verify(actor=operator_a, letter=request_domisili(operator_a, resident_a))
    with pytest.raises(ApplicationError, match="penanda tangan"):
        workflow.letter_sign(actor=kades_a, letter=letter)


def test_missing_field_is_named(operator_a, resident_a):
    with pytest.raises(ValidationError) as e:
        request_domisili(operator_a, resident_a, keperluan="  ")
    assert "keperluan" in e.value.message_dict
    assert Letter.objects.count() == 0


def test_subject_must_fit_the_type(operator_a, resident_a, village_a):
    # given: SKTM is for heads of family only; Siti is a child in her KK here
    resident_a.family_relation = 4
    resident_a.save()
    # when / then
    with pytest.raises(ValidationError, match="kepala keluarga"):
        workflow.letter_request_create(
            actor=operator_a,
            village=village_a,
            type_code="sktm",
            subject=resident_a,
            fields={"keperluan": "x"},
        )


def test_dead_resident_gets_no_domisili_but_a_death_letter(operator_a, resident_a, village_a):
    # given
    resident_a.status = codes.STATUS_DEAD
    resident_a.save()
    # when / then
    with pytest.raises(ValidationError, match="tidak berstatus hidup"):
        request_domisili(operator_a, resident_a)
    letter = workflow.letter_request_create(
        actor=operator_a,
        village=village_a,
        type_code="kematian",
        subject=resident_a,
        fields={
            "tanggal_meninggal": "2026-11-01",
            "tempat_meninggal": "Rumah",
            "sebab": "Sakit",
            "pelapor": "X",
        },
    )
    assert letter.state == S.SUBMITTED


def test_unchecked_requirements_block_verification(operator_a, resident_a, village_a):
    letter = workflow.letter_request_create(
        actor=operator_a,
        village=village_a,
        type_code="domisili",
        subject=resident_a,
        fields={"keperluan": "x"},
    )
    with pytest.raises(ValidationError, match="Persyaratan"):
        workflow.letter_verify(actor=operator_a, letter=letter)


def test_another_village_operator_is_refused(operator_b, resident_a, operator_a):
    letter = request_domisili(operator_a, resident_a)
    with pytest.raises(ApplicationError):
        workflow.letter_verify(actor=operator_b, letter=letter)
    with pytest.raises(ApplicationError):
        request_domisili(operator_b, resident_a)


def test_request_is_handled_by_one_operator(operator_a, resident_a, village_a):
    # given
    from balai.accounts.models import Role, User

    other = User.objects.create_user(
        username="op2", password="x-long-pass-123", role=Role.OPERATOR, village=village_a
    )
    letter = request_domisili(operator_a, resident_a)
    # when / then
    with pytest.raises(ApplicationError, match="petugas lain"):
        workflow.letter_verify(actor=other, letter=letter)
    workflow.letter_assign(actor=operator_a, letter=letter, assignee=other)
    assert workflow.letter_verify(actor=other, letter=letter).state == S.VERIFIED


def test_return_needs_reason_and_resubmits_on_update(operator_a, resident_a):
    letter = request_domisili(operator_a, resident_a)
    with pytest.raises(ValidationError):
        workflow.letter_return(actor=operator_a, letter=letter, reason=" ")
    letter = workflow.letter_return(actor=operator_a, letter=letter, reason="Alamat salah")
    assert letter.state == S.NEEDS_CORRECTION
    letter = workflow.letter_update(
        actor=operator_a,
        letter=letter,
        fields={"keperluan": "Bank"},
        requirements=letter.checked_requirements,
    )
    assert letter.state == S.SUBMITTED


def test_issued_letter_cannot_be_cancelled_only_revoked(issued_a, operator_a, kades_a):
    with pytest.raises(ApplicationError):
        workflow.letter_cancel(actor=operator_a, letter=issued_a, reason="salah")
    revoked = workflow.letter_revoke(actor=kades_a, letter=issued_a, reason="Data keliru")
    assert revoked.state == S.REVOKED


def test_correction_supersedes_the_issued_letter(issued_a, operator_a, kades_a):
    # when
    fix = workflow.letter_correction_create(
        actor=operator_a,
        letter=issued_a,
        fields={"keperluan": "Beasiswa"},
        reason="Keperluan salah",
        requirements=issued_a.checked_requirements,
    )
    fix = workflow.letter_verify(actor=operator_a, letter=fix)
    fix = workflow.letter_sign(actor=kades_a, letter=fix)
    fix = workflow.letter_issue(actor=operator_a, letter=fix)
    # then
    assert fix.supersedes == issued_a
    assert fix.number != issued_a.number
    with pytest.raises(ApplicationError):
        workflow.letter_correction_create(actor=operator_a, letter=issued_a, fields={}, reason="lagi")


def test_hand_over_records_who_received(issued_a, operator_a):
    letter = workflow.letter_hand_over(
        actor=operator_a, letter=issued_a, received_by="Siti Wahyuni (sendiri)"
    )
    assert letter.state == S.HANDED_OVER
    assert letter.handed_over_to == "Siti Wahyuni (sendiri)"


def test_every_registered_type_can_be_previewed(resident_a, village_a):
    from balai.letters.content import build_content, placeholder_names
    from balai.letters.pdf import render
    from balai.letters.text import unknown_placeholders
    from balai.letters.types import REGISTRY

    for letter_type in REGISTRY.values():
        for text in letter_type.body:
            assert unknown_placeholders(text, placeholder_names(letter_type)) == [], letter_type.code
        fields = {
            f.name: (
                "2026-01-02" if f.kind == "date" else "1500000" if f.kind in ("number", "money") else "x"
            )
            for f in letter_type.fields
        }
        content = build_content(
            letter_type=letter_type,
            village=village_a,
            subject=ResidentFactory(village=village_a),
            fields=fields,
            official=None,
            number="1",
            issued_on=timezone.localdate(),
            paper="f4",
        )
        assert content["title"] == letter_type.title
        pdf = render(content | {"verify_url": ""})
        # One page for the letter, one more per attached form (e.g. N2, N4 with a Pengantar Nikah).
        pages = 1 + len(content["attachments"])
        assert re.search(rb"/Type\s*/Pages\b[^>]*/Count %d\b" % pages, pdf), f"{letter_type.code}: page count"
    assert len(REGISTRY) >= 10


def test_nobody_signs_in_the_name_of_an_official_without_an_account(
    operator_a, kades_a, kades_official_a, resident_a
):
    # given: a Kasi who signs u.b. but has no account of their own
    from balai.staff.models import Official

    kasi = Official.objects.create(
        village=resident_a.village,
        name="Jamalia",
        position="Kasi Pemerintahan",
        signs_letters=True,
        signs_as=Official.SignsAs.UB,
        on_behalf_of="Kepala Desa",
    )
    letter = workflow.letter_verify(actor=operator_a, letter=request_domisili(operator_a, resident_a))
    # when / then: the kepala desa cannot put the Kasi's name on the letter
    with pytest.raises(ApplicationError, match="pejabat itu sendiri"):
        workflow.letter_sign(actor=kades_a, letter=letter, official=kasi)
    assert workflow.letter_sign(actor=kades_a, letter=letter).signer == kades_official_a


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("Rp 1.500.000,00", "1500000"),
        ("1.500.000,-", "1500000"),
        ("1500000", "1500000"),
        ("1,500,000", "1500000"),
        ("Rp1.500.000", "1500000"),
        ("１０００", "1000"),  # full-width digits are digits (issue 16: any script, as ASCII)
    ],
)
def test_amounts_are_read_as_people_write_them(written, stored):
    from balai.letters.types import get_type

    cleaned = clean_fields(
        get_type("penghasilan_ortu"), {"nama_anak": "Ani", "penghasilan": written, "keperluan": "Beasiswa"}
    )
    assert cleaned["penghasilan"] == stored


@pytest.mark.parametrize("written", ["1.500.000,50", "²", "satu juta", "1.50.000"])
def test_bad_amounts_are_refused_naming_the_field(written):
    from balai.letters.types import get_type

    with pytest.raises(ValidationError) as e:
        clean_fields(
            get_type("penghasilan_ortu"),
            {"nama_anak": "Ani", "penghasilan": written, "keperluan": "Beasiswa"},
        )
    assert "Penghasilan" in e.value.message_dict["penghasilan"][0]


def test_nik_year_and_past_dates_are_checked():
    from balai.letters.types import get_type

    future = (timezone.localdate() + timezone.timedelta(days=3)).isoformat()
    with pytest.raises(ValidationError) as e:
        clean_fields(
            get_type("kuasa"),
            {
                "penerima_kuasa": "A",
                "nik_penerima_kuasa": "12ab",
                "alamat_penerima_kuasa": "x",
                "urusan": "y",
            },
        )
    assert "16 angka" in e.value.message_dict["nik_penerima_kuasa"][0]
    with pytest.raises(ValidationError) as e:
        clean_fields(
            get_type("usaha"), {"nama_usaha": "A", "alamat_usaha": "B", "sejak": "kemarin", "keperluan": "C"}
        )
    assert "tahun" in e.value.message_dict["sejak"][0]
    with pytest.raises(ValidationError) as e:
        clean_fields(
            get_type("kehilangan"), {"barang": "KTP", "tanggal_hilang": future, "tempat_hilang": "Pasar"}
        )
    assert "sesudah hari ini" in e.value.message_dict["tanggal_hilang"][0]


def test_date_of_death_must_be_the_recorded_one(operator_a, resident_a):
    import datetime as dt

    from balai.people.services import death_record

    death_record(actor=operator_a, resident=resident_a, event_date=dt.date(2026, 11, 20))
    resident_a.refresh_from_db()
    fields = {"tempat_meninggal": "Rumah", "sebab": "Sakit", "pelapor": "Budi"}
    with pytest.raises(ValidationError) as e:
        workflow.letter_request_create(
            actor=operator_a,
            village=resident_a.village,
            type_code="kematian",
            subject=resident_a,
            fields=fields | {"tanggal_meninggal": "2026-11-19"},
        )
    assert "20 November 2026" in e.value.message_dict["tanggal_meninggal"][0]
    letter = workflow.letter_request_create(
        actor=operator_a,
        village=resident_a.village,
        type_code="kematian",
        subject=resident_a,
        fields=fields | {"tanggal_meninggal": "2026-11-20"},
    )
    assert letter.fields["tanggal_meninggal"] == "2026-11-20"


def test_a_cancelled_correction_leaves_room_for_another(issued_a, operator_a, kades_a):
    # given: a correction under way, then cancelled
    first = correct_domisili(operator_a, issued_a)
    with pytest.raises(ApplicationError, match="sedang diproses"):
        correct_domisili(operator_a, issued_a)
    workflow.letter_cancel(actor=operator_a, letter=first, reason="Salah ketik")
    # when
    second = correct_domisili(operator_a, issued_a, "Melamar kerja")
    # then
    assert second.supersedes == issued_a


def test_revoking_the_correction_does_not_bring_the_old_letter_back(issued_a, operator_a, kades_a):
    from balai.letters import selectors

    # given: the correction issued, then revoked
    fix = correct_domisili(operator_a, issued_a)
    fix = workflow.letter_verify(actor=operator_a, letter=fix)
    fix = workflow.letter_sign(actor=kades_a, letter=fix)
    fix = workflow.letter_issue(actor=operator_a, letter=fix)
    workflow.letter_revoke(actor=kades_a, letter=fix, reason="Dicabut")
    # then: the old letter stays replaced, in the register and on the public page
    assert selectors.verify_token(token=issued_a.token).status == "superseded"
    old = selectors.letter_get(village=issued_a.village, public_id=issued_a.public_id)
    assert old.replaced_by_number == fix.number
    with pytest.raises(ApplicationError, match=f"digantikan oleh surat {re.escape(fix.number)}"):
        correct_domisili(operator_a, issued_a)
    with pytest.raises(ApplicationError, match="digantikan"):
        workflow.letter_hand_over(actor=operator_a, letter=issued_a, received_by="Siti")
    rows = selectors.letter_register(village=issued_a.village)
    from balai.letters.registers import outgoing_register_rows

    table = outgoing_register_rows(village=issued_a.village, letters=rows, year=issued_a.year, month=None)
    assert any(f"digantikan oleh {fix.number}" in " ".join(r) for r in table["rows"])


def test_another_operator_takes_over_before_acting(operator_a, resident_a):
    from balai.accounts.models import Role, User

    # given: a request handled by operator_a
    other = User.objects.create_user("operator2", role=Role.OPERATOR, village=resident_a.village)
    letter = request_domisili(operator_a, resident_a)
    # then: the other operator can neither change, cancel nor verify it
    with pytest.raises(ApplicationError, match="ditangani petugas lain"):
        workflow.letter_update(actor=other, letter=letter, fields={"keperluan": "X"})
    with pytest.raises(ApplicationError, match="ditangani petugas lain"):
        workflow.letter_cancel(actor=other, letter=letter, reason="x")
    with pytest.raises(ValidationError):
        workflow.letter_take_over(actor=other, letter=letter, reason=" ")
    # when: they take it over with a reason
    letter = workflow.letter_act(actor=other, letter=letter, action="take_over", reason="Pak Budi cuti")
    # then: they handle it now, and the take-over is audited with its reason
    assert letter.assigned_to == other
    verified = workflow.letter_verify(actor=other, letter=letter)
    assert verified.state == S.VERIFIED
    event = AuditEvent.objects.get(action="letter.taken_over")
    assert event.changes["previous"] == operator_a.username
    assert event.changes["reason"] == "Pak Budi cuti"
