"""Village wording: saving refuses what the letter could not print, or would print literally."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from balai.letters import biodata
from balai.letters.content import paragraph_problems
from balai.letters.services.settings import template_save
from balai.letters.templates_text import check_paragraphs, split_paragraphs
from balai.letters.tests.conftest import issue_domisili
from balai.letters.types import REGISTRY
from balai.people import codes

SKTM = REGISTRY["sktm"]
NIKAH = REGISTRY["pengantar_nikah"]


def _refusal(letter_type, text):
    with pytest.raises(ValidationError) as exc:
        check_paragraphs(letter_type, split_paragraphs(text))
    return " ".join(exc.value.messages)


def _every_default_text(letter_type):
    yield from letter_type.body
    yield letter_type.closing
    for a in letter_type.attachments:
        yield from (*a.heading, a.title, *a.body)
        for s in a.signatures:
            yield from (s.label, s.name)
    for table in letter_type.tables:
        for label, value in table.rows:
            yield from (label, value)
    for s in letter_type.signatures:
        yield from (s.label, s.name)


@pytest.mark.parametrize("code", sorted(REGISTRY))
def test_every_built_in_text_passes_the_check(code):
    letter_type = REGISTRY[code]
    for text in _every_default_text(letter_type):
        assert paragraph_problems(letter_type, text) == [], (code, text)
    check_paragraphs(letter_type, list(letter_type.body))


def test_all_eighteen_types_are_checked():
    assert len(REGISTRY) == 18


@pytest.mark.parametrize(
    "text",
    [
        "Kami menerangkan bahwa warga tersebut benar tinggal di sini (sejak 2010), 100% benar.",
        "[Nama], [NAMA], [nama] dan [nAma] tinggal di [Nama_Desa].",
        "Penghasilan [penghasilan] ([penghasilan_terbilang]) per bulan; [Penghasilan_terbilang].",
        "[biodata]",
    ],
)
def test_normal_text_and_case_variants_pass(text):
    assert paragraph_problems(REGISTRY["penghasilan_ortu"], text) == []


def test_biodata_with_a_capital_is_refused_as_a_block(operator_a, village_a):
    text = "\n\n".join(SKTM.body).replace("[biodata]", "[Biodata]")
    with pytest.raises(ValidationError) as exc:
        template_save(actor=operator_a, village=village_a, type_code="sktm", text=text)
    message = " ".join(exc.value.messages)
    assert "[Biodata]" in message
    assert "berdiri sendiri" in message
    assert "huruf kecil: [biodata]" in message


@pytest.mark.parametrize(
    ("letter_type", "text", "name"),
    [
        (SKTM, "Data sebagai berikut: [biodata]", "[biodata]"),
        (SKTM, "Data sebagai berikut:\n[biodata]", "[biodata]"),
        (NIKAH, "Ayah: [data_ayah] dan seterusnya.", "[data_ayah]"),
        (NIKAH, "[DATA_AYAH] ", "[DATA_AYAH]"),
    ],
)
def test_block_placeholders_must_stand_alone_in_lower_case(letter_type, text, name):
    message = _refusal(letter_type, text)
    assert name in message
    assert "berdiri sendiri" in message


def test_what_saving_refuses_the_preview_refuses_with_the_same_words(client_a, resident_a):
    bad = "Yang bertanda tangan.\n\n[Biodata]"
    got = client_a.post(reverse("letters:template_preview"), {"jenis": "sktm", "text": bad})
    assert "berdiri sendiri" in got.content.decode()
    saved = client_a.post(reverse("letters:template_edit") + "?jenis=sktm", {"text": bad})
    assert saved.status_code == 400
    assert "berdiri sendiri" in saved.content.decode()


def test_rendering_names_a_misplaced_block_like_saving_does(
    operator_a, kades_a, kades_official_a, resident_a
):
    # given: wording saved before saving checked blocks
    from balai.letters.models import LetterTemplate

    LetterTemplate.objects.create(
        village=resident_a.village,
        type_code="domisili",
        version=1,
        paragraphs=["Data: [biodata]"],
        created_by=operator_a,
    )
    # when / then
    with pytest.raises(ValidationError, match="berdiri sendiri"):
        issue_domisili(operator_a, kades_a, resident_a)


@pytest.mark.parametrize(
    ("text", "written", "hint"),
    [
        ("Di desa [nama desa].", "[nama desa]", "maksudnya [nama_desa]?"),
        ("Di desa [Nama Desa].", "[Nama Desa]", "maksudnya [Nama_desa]?"),
        ("Di desa [nama-desa].", "[nama-desa]", "maksudnya [nama_desa]?"),
        ("Atas nama [ nama ].", "[ nama ]", "maksudnya [nama]?"),
        ("Di desa [nama_dessa].", "[nama_dessa]", "maksudnya [nama_desa]?"),
        ("Di [alamat_kantor].", "[alamat_kantor]", ""),
        ("Catatan [].", "[]", ""),
    ],
)
def test_a_mistyped_square_bracket_group_is_refused_as_written(text, written, hint):
    message = _refusal(SKTM, text)
    assert f"Isian tidak dikenal: {written}" in message
    assert hint in message
    if not hint:
        assert "maksudnya" not in message


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("Desa {nama_desa}.", "{nama_desa}"),
        ("Desa {{nama_desa}}.", "{{nama_desa}}"),
        ("{{ Nama }}", "{{ Nama }}"),
    ],
)
def test_curly_brace_groups_are_refused_with_a_hint(text, written):
    message = _refusal(SKTM, text)
    assert written in message
    assert "kurung siku" in message


def test_a_lone_bracket_is_refused():
    assert "tanpa pasangan" in _refusal(SKTM, "Atas nama [nama.")
    assert "tanpa pasangan" in _refusal(SKTM, "Atas nama [[nama]].")


def test_every_problem_is_named_with_its_paragraph():
    message = _refusal(SKTM, "Baik [nama].\n\nDi [nama desa] dan {kode_desa}.")
    assert message.startswith("Paragraf 2: ")
    assert "[nama desa]" in message
    assert "{kode_desa}" in message


# The registry's code labels as the letter prints them.

ABBREVIATIONS = {
    "PNS", "TNI", "POLRI", "RI", "BUMN", "BUMD", "DPR", "DPRD", "DPD", "BPK", "SD", "SLTP", "SLTA",
    "SLB", "TK", "YME", "WNI", "WNA",
}  # fmt: skip
ROMAN = {"I", "II", "III", "IV"}

PRINTED = {
    "PEGAWAI NEGERI SIPIL (PNS)": "Pegawai Negeri Sipil (PNS)",
    "TENTARA NASIONAL INDONESIA (TNI)": "Tentara Nasional Indonesia (TNI)",
    "KEPOLISIAN RI (POLRI)": "Kepolisian RI (POLRI)",
    "KARYAWAN BUMN": "Karyawan BUMN",
    "KARYAWAN BUMD": "Karyawan BUMD",
    "ANGGOTA DPR-RI": "Anggota DPR-RI",
    "ANGGOTA DPRD KAB. KOTA": "Anggota DPRD Kab. Kota",
    "PETANI/PEKEBUN": "Petani/Pekebun",
    "TAMAT SD / SEDERAJAT": "Tamat SD / Sederajat",
    "BELUM TAMAT SD/SEDERAJAT": "Belum Tamat SD/Sederajat",
    "SLTP/SEDERAJAT": "SLTP/Sederajat",
    "DIPLOMA I / II": "Diploma I / II",
    "AKADEMI/ DIPLOMA III/S. MUDA": "Akademi/ Diploma III/S. Muda",
    "DIPLOMA IV/ STRATA I": "Diploma IV/ Strata I",
    "STRATA III": "Strata III",
    "SEDANG  D-1/SEDERAJAT": "Sedang D-1/Sederajat",
    "SEDANG SLB A/SEDERAJAT": "Sedang SLB A/Sederajat",
    "BELUM MASUK TK/KELOMPOK BERMAIN": "Belum Masuk TK/Kelompok Bermain",
    "TIDAK DAPAT MEMBACA DAN MENULIS HURUF LATIN/ARAB": "Tidak Dapat Membaca dan Menulis Huruf Latin/Arab",
    "Kepercayaan Terhadap Tuhan YME / Lainnya": "Kepercayaan terhadap Tuhan YME / Lainnya",
    "LAKI-LAKI": "Laki-laki",
    "KEPALA KELUARGA": "Kepala Keluarga",
}


@pytest.mark.parametrize(("recorded", "printed"), PRINTED.items())
def test_code_labels_keep_abbreviations_and_roman_numerals(recorded, printed):
    assert biodata._title(recorded) == printed


@pytest.mark.parametrize(
    "table",
    [
        codes.OCCUPATION,
        codes.EDUCATION_KK,
        codes.EDUCATION_CURRENT,
        codes.RELIGION,
        codes.FAMILY_RELATION,
        codes.MARITAL_STATUS,
        codes.SEX,
    ],
)
def test_every_code_label_prints_right(table):
    for recorded in table.values():
        printed = biodata._title(recorded)
        # only the case changes (and doubled spaces)
        assert printed.upper() == " ".join(recorded.split()).upper()
        # the second half of a kata ulang stays small: "Laki-laki"
        for word in re.findall(r"(?<![-A-Za-z0-9])[A-Za-z0-9]+", printed):
            if word.upper() in ABBREVIATIONS | ROMAN or re.fullmatch(r"[DS]\d", word):
                assert word.isupper() or word.isdigit(), (recorded, printed)
            elif len(word) > 1 and word.lower() not in biodata.MINOR_WORDS:
                assert word == word.capitalize(), (recorded, printed)


def test_the_letter_prints_the_occupation_with_its_abbreviation(resident_a):
    resident_a.occupation, resident_a.education_kk = 5, 3
    values = biodata.resident_values(resident_a)
    assert (values["pekerjaan"], values["pendidikan"]) == (
        "Pegawai Negeri Sipil (PNS)",
        "Tamat SD / Sederajat",
    )
