import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from balai.core.errors import ApplicationError
from balai.core.models import AuditEvent
from balai.letters import services
from balai.letters.models import Letter, LetterSettings
from balai.letters.tests.conftest import issue_domisili, request_domisili
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
    other = services.letter_request_create(
        actor=operator_a,
        village=village_a,
        type_code="penduduk",
        subject=resident_a,
        fields={"keperluan": "Bank"},
        requirements=["Fotokopi KK"],
    )
    other = services.letter_verify(actor=operator_a, letter=other)
    other = services.letter_sign(actor=kades_a, letter=other)
    # when
    other = services.letter_issue(actor=operator_a, letter=other)
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
    letter = services.letter_verify(actor=operator_a, letter=request_domisili(operator_a, resident_a))
    with pytest.raises(ApplicationError):
        services.letter_sign(actor=operator_a, letter=letter)


def test_kades_without_signing_authority_cannot_sign(operator_a, kades_a, resident_a):
    letter = services.letter_verify(actor=operator_a, letter=request_domisili(operator_a, resident_a))
    with pytest.raises(ApplicationError, match="penanda tangan"):
        services.letter_sign(actor=kades_a, letter=letter)


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
        services.letter_request_create(
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
    letter = services.letter_request_create(
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
    letter = services.letter_request_create(
        actor=operator_a,
        village=village_a,
        type_code="domisili",
        subject=resident_a,
        fields={"keperluan": "x"},
    )
    with pytest.raises(ValidationError, match="Persyaratan"):
        services.letter_verify(actor=operator_a, letter=letter)


def test_another_village_operator_is_refused(operator_b, resident_a, operator_a):
    letter = request_domisili(operator_a, resident_a)
    with pytest.raises(ApplicationError):
        services.letter_verify(actor=operator_b, letter=letter)
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
        services.letter_verify(actor=other, letter=letter)
    services.letter_assign(actor=operator_a, letter=letter, assignee=other)
    assert services.letter_verify(actor=other, letter=letter).state == S.VERIFIED


def test_return_needs_reason_and_resubmits_on_update(operator_a, resident_a):
    letter = request_domisili(operator_a, resident_a)
    with pytest.raises(ValidationError):
        services.letter_return(actor=operator_a, letter=letter, reason=" ")
    letter = services.letter_return(actor=operator_a, letter=letter, reason="Alamat salah")
    assert letter.state == S.NEEDS_CORRECTION
    letter = services.letter_update(
        actor=operator_a,
        letter=letter,
        fields={"keperluan": "Bank"},
        requirements=letter.checked_requirements,
    )
    assert letter.state == S.SUBMITTED


def test_issued_letter_cannot_be_cancelled_only_revoked(issued_a, operator_a, kades_a):
    with pytest.raises(ApplicationError):
        services.letter_cancel(actor=operator_a, letter=issued_a, reason="salah")
    revoked = services.letter_revoke(actor=kades_a, letter=issued_a, reason="Data keliru")
    assert revoked.state == S.REVOKED


def test_correction_supersedes_the_issued_letter(issued_a, operator_a, kades_a):
    # when
    fix = services.letter_correction_create(
        actor=operator_a,
        letter=issued_a,
        fields={"keperluan": "Beasiswa"},
        reason="Keperluan salah",
        requirements=issued_a.checked_requirements,
    )
    fix = services.letter_verify(actor=operator_a, letter=fix)
    fix = services.letter_sign(actor=kades_a, letter=fix)
    fix = services.letter_issue(actor=operator_a, letter=fix)
    # then
    assert fix.supersedes == issued_a
    assert fix.number != issued_a.number
    with pytest.raises(ApplicationError):
        services.letter_correction_create(actor=operator_a, letter=issued_a, fields={}, reason="lagi")


def test_hand_over_records_who_received(issued_a, operator_a):
    letter = services.letter_hand_over(
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
