"""Pengantar Nikah (N1 with N2, N4, N5) and Keterangan Kematian Suami/Istri (N6)."""

import datetime as dt
import re
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from balai.letters.render import letter_pdf
from balai.letters.services import workflow
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
    letter = workflow.letter_request_create(
        actor=operator,
        village=resident.village,
        type_code=type_code,
        subject=resident,
        fields=fields,
        requirements=REGISTRY[type_code].requirements,
    )
    letter = workflow.letter_verify(actor=operator, letter=letter)
    letter = workflow.letter_sign(actor=kades, letter=letter)
    return workflow.letter_issue(actor=operator, letter=letter)


# The numbered lines of Kepdirjen Bimas Islam 473/2020's forms, as OpenSID prints them.
N1_SUBJECT = [
    "1. Nama",
    "2. Nomor Induk Kependudukan (NIK)",
    "3. Jenis Kelamin",
    "4. Tempat dan Tanggal Lahir",
    "5. Kewarganegaraan",
    "6. Agama",
    "7. Pekerjaan",
    "8. Pendidikan Terakhir",
    "9. Bin/Binti",
    "10. Alamat",
    "11. Status Perkawinan",
    "a. Laki-laki: Jejaka, Duda atau beristri ke …",
    "b. Perempuan: Perawan, Janda",
    "12. Nama istri/suami terdahulu",
]
N1_PARENT = [
    "Nama Lengkap dan alias",
    "Nomor Induk Kependudukan (NIK)",
    "Tempat dan Tanggal Lahir",
    "Kewarganegaraan",
    "Agama",
    "Pekerjaan",
    "Alamat",
]
N6_PERSON = [
    "1. Nama lengkap dan alias",
    "2. Bin/Binti",
    "3. Nomor Induk Kependudukan",
    "4. Tempat dan tanggal lahir",
    "5. Kewarganegaraan",
    "6. Agama",
    "7. Pekerjaan",
    "8. Alamat",
]


def _form_tables(blocks):
    """The numbered-line tables of a page, as [(label, value), ...] each."""
    return [
        [(label.replace("\u00a0", " ").strip(), value) for label, value in b["rows"]]
        for b in blocks
        if b["kind"] == "table" and b.get("form")
    ]


def _row(table, label):
    return dict(table)[label]


def _attachment(letter, form_code):
    return next(a for a in letter.content["attachments"] if a["form_code"] == form_code)


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
        "PENGANTAR NIKAH",
        "PERMOHONAN KEHENDAK NIKAH",
        "PERSETUJUAN CALON PENGANTIN",
        "SURAT IZIN ORANG TUA",
        "Ayah/wali/pengampu",
        "Perawan",
        "AHMAD FAUZI",
        "KUA Kecamatan Wonotunggal",
        "20 Desember 2026",
    ):
        assert expected in text, expected
    assert "SURAT PENGANTAR NIKAH" not in text  # the form's title is "Pengantar Nikah"


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
        workflow.letter_request_create(
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
        workflow.letter_request_create(
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
    assert "SURAT KETERANGAN KEMATIAN" in text
    assert "suami dari" in text
    assert "1 Maret 2025" in text
    deceased, survivor = _form_tables(letter.content["body"])
    assert _row(deceased, "1. Nama lengkap dan alias") == "SUTRISNO"
    assert _row(deceased, "2. Bin/Binti") == "Karto"
    assert _row(deceased, "di") == "RSUD Batang"
    assert [label for label, _ in survivor] == N6_PERSON
    assert _row(survivor, "3. Nomor Induk Kependudukan") == widow.nik
    with pytest.raises(ValidationError):
        workflow.letter_request_create(
            actor=operator_a, village=village_a, type_code="kematian_pasangan", subject=married, fields=fields
        )


def test_n1_has_the_forms_numbered_lines_and_the_parents_from_the_registry(
    operator_a, kades_a, kades_official_a, village_a
):
    # given: the father lives in the village, the mother is only named on the bride's record
    father = ResidentFactory(
        village=village_a, name="KASMURI", sex=1, birth_place="BATANG", father_name="DARSONO"
    )
    bride = ResidentFactory(
        village=village_a,
        name="SITI AMINAH",
        sex=2,
        marital_status=1,
        religion=1,
        birth_date=_born(20),
        father_name="KASMURI",
        father_nik=father.nik,
        mother_name="SUMIYATI",
        mother_nik="3325014101700001",
    )
    # when
    letter = _issue(operator_a, kades_a, bride, "pengantar_nikah", NIKAH_FIELDS)
    # then
    subject, ayah, ibu = _form_tables(letter.content["body"])
    assert [label for label, _ in subject] == N1_SUBJECT
    assert _row(subject, "9. Bin/Binti") == "Kasmuri"
    assert _row(subject, "a. Laki-laki: Jejaka, Duda atau beristri ke …") == "-"
    assert _row(subject, "b. Perempuan: Perawan, Janda") == "Perawan"
    assert [label for label, _ in ayah] == [label for label, _ in ibu] == N1_PARENT
    assert _row(ayah, "Nomor Induk Kependudukan (NIK)") == father.nik
    assert _row(ayah, "Tempat dan Tanggal Lahir") == "Batang, 14 Maret 1985"
    assert _row(ibu, "Nomor Induk Kependudukan (NIK)") == "3325014101700001"
    assert _row(ibu, "Tempat dan Tanggal Lahir") == "-"  # not a resident here
    # N5: the father's bin is his own father's name, from his record
    izin_ayah = _form_tables(_attachment(letter, "Model N5")["body"])[0]
    assert _row(izin_ayah, "2. Bin") == "Darsono"


def test_a_parent_in_another_village_is_not_read(operator_a, kades_a, kades_official_a, village_a, village_b):
    # given
    father = ResidentFactory(village=village_b, sex=1, birth_place="KENDAL")
    groom = ResidentFactory(
        village=village_a, sex=1, marital_status=1, religion=1, birth_date=_born(25), father_nik=father.nik
    )
    # when
    letter = _issue(operator_a, kades_a, groom, "pengantar_nikah", NIKAH_FIELDS)
    # then: only the NIK recorded on the groom's own record
    _subject, ayah, _ibu = _form_tables(letter.content["body"])
    assert _row(ayah, "Nomor Induk Kependudukan (NIK)") == father.nik
    assert _row(ayah, "Tempat dan Tanggal Lahir") == "-"


@pytest.mark.parametrize(("sex", "subject_first"), [(1, True), (2, False)])
def test_n2_and_n4_put_the_calon_suami_first(
    operator_a, kades_a, kades_official_a, village_a, sex, subject_first
):
    # given
    person = ResidentFactory(
        village=village_a, name="CATIN", sex=sex, marital_status=1, religion=1, birth_date=_born(25)
    )
    fields = NIKAH_FIELDS | {
        "ayah_calon_pasangan": "MUHAMMAD",
        "kewarganegaraan_calon_pasangan": "WNI",
        "pekerjaan_calon_pasangan": "Petani",
        "jam_nikah": "09.00 WIB",
        "mas_kawin": "Seperangkat alat salat",
    }
    # when
    letter = _issue(operator_a, kades_a, person, "pengantar_nikah", fields)
    # then
    assert [a["form_code"] for a in letter.content["attachments"]] == ["Model N2", "Model N4"]
    n2 = _attachment(letter, "Model N2")
    (kehendak,) = _form_tables(n2["body"])
    groom, bride = ("CATIN", "AHMAD FAUZI") if subject_first else ("AHMAD FAUZI", "CATIN")
    assert kehendak[:2] == [("Calon suami", groom), ("Calon istri", bride)]
    assert _row(kehendak, "Hari/tanggal/jam") == "Minggu, 20 Desember 2026, pukul 09.00 WIB"
    assert _row(kehendak, "Maskawin") == "Seperangkat alat salat"
    assert n2["heading"][0] == "Perihal: Permohonan Kehendak Nikah"
    assert [s["name"] for s in n2["signatures"]] == ["……………………………", "CATIN"]
    n4 = _attachment(letter, "Model N4")
    suami, istri = _form_tables(n4["body"])
    assert [label for label, _ in suami] == [N6_PERSON[0], "2. Bin", *N6_PERSON[2:]]
    assert [label for label, _ in istri] == [N6_PERSON[0], "2. Binti", *N6_PERSON[2:]]
    assert _row(suami, "2. Bin") == ("-" if subject_first else "Muhammad")
    assert _row(istri, "2. Binti") == ("Muhammad" if subject_first else "-")
    assert _row(suami if not subject_first else istri, "6. Agama") == "Islam"
    assert [(s["label"], s["name"]) for s in n4["signatures"]] == [
        ("Calon suami", groom),
        ("Calon istri", bride),
    ]


def test_every_form_line_uses_known_placeholders_and_every_table_is_printed():
    from balai.letters.content import placeholder_names
    from balai.letters.text import unknown_placeholders

    for code in ("pengantar_nikah", "kematian_pasangan"):
        letter_type = REGISTRY[code]
        names = placeholder_names(letter_type)
        for table in letter_type.tables:
            for label, value in table.rows:
                assert unknown_placeholders(label + value, names) == [], (code, label)
        lines = [*letter_type.body, *(line for a in letter_type.attachments for line in a.body)]
        assert {t.name for t in letter_type.tables} <= {line.strip("[]") for line in lines}, code


@pytest.mark.parametrize("paper", ["a4", "f4"])
def test_each_nikah_form_keeps_to_one_page(operator_a, kades_a, kades_official_a, village_a, paper):
    # given: the longest case, a bride under 21 with every field filled
    from balai.letters.models import LetterSettings

    LetterSettings.objects.update_or_create(village=village_a, defaults={"paper": paper})
    bride = ResidentFactory(
        village=village_a, sex=2, marital_status=3, religion=1, birth_date=_born(20), father_name="KASMURI"
    )
    fields = NIKAH_FIELDS | {
        "ayah_calon_pasangan": "MUHAMMAD",
        "ttl_calon_pasangan": "Batang, 1 Januari 1995",
        "kewarganegaraan_calon_pasangan": "WNI",
        "pekerjaan_calon_pasangan": "Karyawan swasta",
        "pasangan_terdahulu": "SUTRISNO",
        "jam_nikah": "09.00 WIB",
        "mas_kawin": "Seperangkat alat salat dan emas 5 gram",
    }
    # when
    letter = _issue(operator_a, kades_a, bride, "pengantar_nikah", fields)
    pages, _text = _pdf_text(letter_pdf(letter))
    # then: N1, N2, N4, N5
    assert pages == 4


def test_a_parent_who_is_not_a_resident_is_typed_at_the_desk(
    operator_a, kades_a, kades_official_a, village_a
):
    # given: the father is a resident, the mother lives elsewhere
    father = ResidentFactory(village=village_a, name="KASMURI", sex=1, birth_place="BATANG")
    bride = ResidentFactory(
        village=village_a,
        name="SITI AMINAH",
        sex=2,
        marital_status=1,
        religion=1,
        birth_date=_born(20),
        father_name="KASMURI",
        father_nik=father.nik,
        mother_name="SUMIYATI",
    )
    typed = {
        "ttl_ayah": "Kendal, 1 Januari 1960",  # ignored: the registry has the father
        "nik_ibu": "3324014101700001",
        "ttl_ibu": "Kendal, 1 Januari 1970",
        "kewarganegaraan_ibu": "WNI",
        "agama_ibu": "Islam",
        "pekerjaan_ibu": "Pedagang",
        "alamat_ibu": "Desa Sojomerto, Kendal",
        "binti_ibu": "Karto",
    }
    # when
    letter = _issue(operator_a, kades_a, bride, "pengantar_nikah", NIKAH_FIELDS | typed)
    # then: the mother's lines as typed, the father's from his record
    _subject, ayah, ibu = _form_tables(letter.content["body"])
    assert _row(ayah, "Tempat dan Tanggal Lahir") == "Batang, 14 Maret 1985"
    assert _row(ibu, "Nomor Induk Kependudukan (NIK)") == "3324014101700001"
    assert _row(ibu, "Tempat dan Tanggal Lahir") == "Kendal, 1 Januari 1970"
    assert _row(ibu, "Pekerjaan") == "Pedagang"
    assert _row(ibu, "Alamat") == "Desa Sojomerto, Kendal"
    izin_ibu = _form_tables(_attachment(letter, "Model N5")["body"])[1]
    assert _row(izin_ibu, "2. Binti") == "Karto"
