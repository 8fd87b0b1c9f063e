"""Page layout of printed letters: the signature block never breaks from its closing, and
the wording reads right when an optional value is empty."""

import datetime as dt
import re
import subprocess

import pytest
from django.utils import timezone

from balai.letters.models import LetterSettings
from balai.letters.render import letter_pdf
from balai.letters.services import workflow
from balai.letters.types import REGISTRY
from balai.people.tests.factories import ResidentFactory

ADDRESS = "JL. GG. CIHAMPELAS NO. 77, RT 001 RW 001, Dusun Krajan"  # two lines on N1
LONG_ADDRESS = "JL. GG. CIHAMPELAS SELATAN NO. 77, RT 001 RW 001, DUSUN KRAJAN KULON, DESA BROKOH"


def _pages(data: bytes) -> list[str]:
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
    count = int(re.search(r"^Pages:\s+(\d+)$", info, re.M).group(1))
    return [
        subprocess.run(
            ["pdftotext", "-layout", "-f", str(n), "-l", str(n), "-", "-"],
            input=data,
            capture_output=True,
            check=True,
        ).stdout.decode()
        for n in range(1, count + 1)
    ]


def _pages_with(pages: list[str], text: str) -> list[int]:
    return [n for n, page in enumerate(pages) if text in " ".join(page.split())]


def _page_of(pages: list[str], text: str) -> int:
    (found,) = _pages_with(pages, text)
    return found


def _issue(operator, signer, resident, type_code, fields):
    letter = workflow.letter_request_create(
        actor=operator,
        village=resident.village,
        type_code=type_code,
        subject=resident,
        fields=fields,
        requirements=REGISTRY[type_code].requirements,
    )
    letter = workflow.letter_verify(actor=operator, letter=letter)
    letter = workflow.letter_sign(actor=signer, letter=letter)
    return workflow.letter_issue(actor=operator, letter=letter)


def _born(years: int) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - dt.timedelta(days=30)


def _assert_signed_with_closing(pages: list[str], letter, closing: str, signer: str = "DWI LESTARI"):
    page = _page_of(pages, signer)
    assert page in _pages_with(pages, letter.content["place_date"])  # attached forms have it too
    assert _page_of(pages, "a.n. Kepala Desa Brokoh") == page
    assert _page_of(pages, "NIPD. 1234") == page
    assert _page_of(pages, closing) == page


@pytest.mark.parametrize("type_code", ["biodata", "domisili"])
def test_a_long_keperluan_keeps_the_closing_with_the_signature_on_a4(
    operator_a, sekdes_a, sekdes_official_a, resident_a, type_code
):
    # given: a4, a 1000-character keperluan, the a.n. signature (its longest form)
    LetterSettings.objects.update_or_create(village=resident_a.village, defaults={"paper": "a4"})
    keperluan = ("Persyaratan pengajuan permohonan bantuan dan pendaftaran beasiswa " * 20)[:1000]
    # when
    letter = _issue(operator_a, sekdes_a, resident_a, type_code, {"keperluan": keperluan})
    pages = _pages(letter_pdf(letter))
    # then
    _assert_signed_with_closing(pages, letter, "Demikian")


@pytest.mark.parametrize(
    ("paper", "address"),
    [("a4", ADDRESS), ("f4", ADDRESS), ("a4", LONG_ADDRESS), ("f4", LONG_ADDRESS)],
    ids=["a4", "f4", "a4-long-address", "f4-long-address"],
)
def test_n1_with_parents_as_residents_is_signed_below_its_closing(
    operator_a, sekdes_a, sekdes_official_a, village_a, paper, address
):
    # given: both parents are residents (seven lines each), a bride under 21, the a.n. signature
    LetterSettings.objects.update_or_create(village=village_a, defaults={"paper": paper})
    father = ResidentFactory(village=village_a, name="MUHAMMAD DIPA SETIAWAN", current_address=address)
    mother = ResidentFactory(village=village_a, name="NUR YESSI LAKSITA", sex=2, current_address=address)
    bride = ResidentFactory(
        village=village_a,
        name="FITRIANI NASYIAH",
        sex=2,
        marital_status=1,
        birth_date=_born(20),
        father_name=father.name,
        father_nik=father.nik,
        mother_name=mother.name,
        mother_nik=mother.nik,
        current_address=address,
    )
    fields = {
        "nama_calon_pasangan": "AHMAD FAUZI",
        "alamat_calon_pasangan": "RT 001 RW 004 Desa Kalibening, Kecamatan Wonotunggal, Kabupaten Batang",
        "kua": "Wonotunggal",
        "tanggal_nikah": "2026-12-20",
        "tempat_akad": "Rumah mempelai wanita",
    }
    # when
    letter = _issue(operator_a, sekdes_a, bride, "pengantar_nikah", fields)
    pages = _pages(letter_pdf(letter))
    # then: the closing with the signature; N1 on one page unless the addresses are very long
    _assert_signed_with_closing(pages, letter, "Demikian surat pengantar ini dibuat")
    if address == ADDRESS:
        assert _page_of(pages, "DWI LESTARI") == 0
        assert pages[1].split()[:2] == ["Model", "N2"]
    # N5's closing stays with the parents' signatures
    n5 = _page_of(pages, "Demikian surat izin ini dibuat")
    assert _page_of(pages, "Ayah/wali/pengampu") == n5
    assert re.search(r"MUHAMMAD DIPA SETIAWAN\s+NUR YESSI LAKSITA", pages[n5])


def test_kuasa_is_signed_by_both_sides_and_known_by_the_village(
    operator_a, kades_a, kades_official_a, resident_a
):
    # given
    fields = {
        "penerima_kuasa": "Rina Tamba",
        "nik_penerima_kuasa": "3325015501030002",
        "alamat_penerima_kuasa": "RT 002 RW 003 Dusun Krajan",
        "urusan": "mengambil dana BLT Dana Desa atas nama pemberi kuasa",
    }
    # when
    letter = _issue(operator_a, kades_a, resident_a, "kuasa", fields)
    (page,) = _pages(letter_pdf(letter))
    # then: the receiver's own lines, both signatures (a meterai on the giver's side), then the head
    receiver = next(b for b in letter.content["body"] if b["kind"] == "table" and b.get("form"))
    assert receiver["rows"] == [
        ["Nama", "RINA TAMBA"],
        ["NIK", "3325015501030002"],
        ["Alamat", "RT 002 RW 003 Dusun Krajan"],
    ]
    assert letter.content["signatures"] == [
        {"label": "Yang menerima kuasa,", "name": "RINA TAMBA", "stamp": False},
        {"label": "Yang memberi kuasa,", "name": "SITI WAHYUNI", "stamp": True},
    ]
    text = " ".join(page.split())
    assert re.search(
        r"Yang menerima kuasa, Yang memberi kuasa, Meterai Rp10.000 RINA TAMBA SITI WAHYUNI", text
    )
    assert re.search(r"Mengetahui, Kepala Desa Brokoh .*SUPARMAN", text)


@pytest.mark.parametrize(
    ("type_code", "fields"),
    [
        (
            "izin_keramaian",
            {
                "acara": "syukuran",
                "tanggal_acara": "2026-12-20",
                "waktu": "19.00 WIB",
                "tempat_acara": "rumah",
            },
        ),
        ("bepergian", {"tujuan": "Jakarta", "tanggal_berangkat": "2026-12-01", "keperluan": "Bekerja"}),
        ("pindah", {"alamat_tujuan": "Jakarta", "alasan_pindah": "pekerjaan", "keperluan": "Pindah"}),
    ],
)
def test_an_empty_optional_value_is_never_a_dash_inside_a_sentence(
    operator_a, kades_a, kades_official_a, resident_a, type_code, fields
):
    # when
    letter = _issue(operator_a, kades_a, resident_a, type_code, fields)
    # then: "-" only as a line's value
    texts = [b["text"] for b in letter.content["body"] if b["kind"] == "text"]
    assert not [t for t in texts if re.search(r"(^|\s)-([\s.,]|$)", t)]
    values = [value for b in letter.content["body"] if b["kind"] == "table" for _label, value in b["rows"]]
    assert "-" in values


@pytest.mark.parametrize("type_code", ["skck", "kehilangan", "izin_keramaian"])
def test_a_surat_pengantar_closes_as_one(type_code):
    assert REGISTRY[type_code].title.startswith("SURAT PENGANTAR")
    assert REGISTRY[type_code].closing.startswith("Demikian surat pengantar ini")


def test_kematian_names_the_day_of_death():
    (sentence,) = [p for p in REGISTRY["kematian"].body if "meninggal dunia" in p]
    assert "pada hari [tanggal_meninggal_hari], tanggal [tanggal_meninggal]" in sentence
    assert "karena [sebab]" in sentence
    assert "disebabkan" not in sentence
