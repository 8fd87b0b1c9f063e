"""Pengantar Nikah (N1 with N2, N4, N5) and Keterangan Kematian Suami/Istri (N6)."""

import datetime as dt
import re
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from balai.letters import services
from balai.letters.render import letter_pdf
from balai.letters.types import REGISTRY
from balai.people.tests.factories import ResidentFactory

NIKAH_FIELDS = {
    "nama_calon_pasangan": "AHMAD FAUZI",
    "nik_calon_pasangan": "3325010101950001",
    "alamat_calon_pasangan": "Desa Cepagan, Warungasem",
    "kua": "Wonotunggal",
    "tanggal_nikah": "2026-12-20",
    "tempat_akad": "Rumah mempelai wanita",
}


def _born(years: int) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - dt.timedelta(days=30)


def _issue(operator, kades, resident, type_code, fields):
    letter = services.letter_request_create(
        actor=operator,
        village=resident.village,
        type_code=type_code,
        subject=resident,
        fields=fields,
        requirements=REGISTRY[type_code].requirements,
    )
    letter = services.letter_verify(actor=operator, letter=letter)
    letter = services.letter_sign(actor=kades, letter=letter)
    return services.letter_issue(actor=operator, letter=letter)


def _pdf_text(data: bytes) -> tuple[int, str]:
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
    pages = int(re.search(r"^Pages:\s+(\d+)$", info, re.M).group(1))
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    return pages, text


def test_bride_under_21_gets_n1_with_n2_n4_and_parents_permission(
    operator_a, kades_a, kades_official_a, village_a
):
    # given: a 20-year-old unmarried Muslim woman
    bride = ResidentFactory(
        village=village_a,
        name="SITI AMINAH",
        sex=2,
        marital_status=1,
        religion=1,
        birth_date=_born(20),
        father_name="KASMURI",
        mother_name="SUMIYATI",
    )
    # when
    letter = _issue(operator_a, kades_a, bride, "pengantar_nikah", NIKAH_FIELDS)
    pages, text = _pdf_text(letter_pdf(letter))
    # then: N1 (signed by the village) and the three forms the KUA asks for
    assert letter.number.startswith("474.2/")
    assert [a["form_code"] for a in letter.content["attachments"]] == ["Model N2", "Model N4", "Model N5"]
    assert pages == 4
    for expected in (
        "Model N1",
        "SURAT PENGANTAR NIKAH",
        "PERMOHONAN KEHENDAK NIKAH",
        "PERSETUJUAN CALON PENGANTIN",
        "SURAT IZIN ORANG TUA",
        "binti Kasmuri",
        "Perawan",
        "AHMAD FAUZI",
        "KUA Kecamatan Wonotunggal",
        "20 Desember 2026",
    ):
        assert expected in text, expected


def test_groom_over_21_needs_no_parents_permission(operator_a, kades_a, kades_official_a, village_a):
    # given
    groom = ResidentFactory(village=village_a, sex=1, marital_status=3, religion=1, birth_date=_born(30))
    # when
    letter = _issue(
        operator_a, kades_a, groom, "pengantar_nikah", NIKAH_FIELDS | {"pasangan_terdahulu": "SRI"}
    )
    pages, text = _pdf_text(letter_pdf(letter))
    # then
    assert pages == 3
    assert "Duda (cerai hidup)" in text
    assert "SURAT IZIN ORANG TUA" not in text


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"marital_status": 2}, "berstatus kawin"),
        ({"birth_date": "young"}, "belum berumur 19 tahun"),
        ({"religion": 2}, "Disdukcapil"),
    ],
)
def test_who_may_not_get_a_pengantar_nikah(operator_a, village_a, kw, message):
    # given
    if kw.get("birth_date") == "young":
        kw = {"birth_date": _born(18)}
    person = ResidentFactory(
        village=village_a, **({"marital_status": 1, "religion": 1, "birth_date": _born(25)} | kw)
    )
    # when / then
    with pytest.raises(ValidationError) as e:
        services.letter_request_create(
            actor=operator_a,
            village=village_a,
            type_code="pengantar_nikah",
            subject=person,
            fields=NIKAH_FIELDS,
        )
    assert message in e.value.message_dict["subject"][0]


def test_missing_nikah_fields_are_named(operator_a, village_a):
    person = ResidentFactory(village=village_a, marital_status=1, religion=1, birth_date=_born(25))
    with pytest.raises(ValidationError) as e:
        services.letter_request_create(
            actor=operator_a,
            village=village_a,
            type_code="pengantar_nikah",
            subject=person,
            fields={"tanggal_nikah": "20-12-2026"},
        )
    assert {"nama_calon_pasangan", "kua", "tanggal_nikah", "tempat_akad"} <= set(e.value.message_dict)


def test_n6_for_a_widow(operator_a, kades_a, kades_official_a, village_a):
    # given
    widow = ResidentFactory(village=village_a, sex=2, marital_status=4, religion=1)
    married = ResidentFactory(village=village_a, sex=2, marital_status=2)
    fields = {
        "nama_pasangan": "SUTRISNO",
        "bin_binti_pasangan": "KARTO",
        "alamat_pasangan": "Brokoh",
        "tanggal_meninggal": "2025-03-01",
        "tempat_meninggal": "RSUD Batang",
    }
    # when
    letter = _issue(operator_a, kades_a, widow, "kematian_pasangan", fields)
    pages, text = _pdf_text(letter_pdf(letter))
    # then
    assert pages == 1
    assert "Model N6" in text
    assert "suami dari" in text
    assert "1 Maret 2025" in text
    with pytest.raises(ValidationError):
        services.letter_request_create(
            actor=operator_a, village=village_a, type_code="kematian_pasangan", subject=married, fields=fields
        )
