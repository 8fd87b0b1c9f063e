"""The population books' PDF: rows cut into pages and cells into lines beforehand (issue 15:
the Buku Induk of a 5,000-resident village in ≤ 3 s instead of ~45 s)."""

from __future__ import annotations

import random
import re
import subprocess

from balai.people import books, pdf


def _text(data: bytes, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def _pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", data))


def test_wrap_breaks_where_typst_may_and_cuts_only_overlong_words():
    m = pdf._metrics()
    width = m.width("PELAJAR/MAHASISWA") - 0.01
    assert pdf.wrap("PELAJAR/MAHASISWA", width, m) == ["PELAJAR/", "MAHASISWA"]
    # Never inside a date or between digits and letters, where Unicode forbids a break.
    assert pdf.wrap("BATANG, 14-12-1969", m.width("BATANG, 14-12"), m) == ["BATANG,", "14-12-1969"]
    assert pdf.wrap("003/RW", m.width("003/"), m, hyphen="-")[0] != "003/"
    cut = pdf.wrap("KEWARGANEGARAAN", m.width("KEWARGA"), m, hyphen="-")
    assert cut[0].endswith("-")
    assert "".join(c.rstrip("-") for c in cut) == "KEWARGANEGARAAN"
    assert all(m.width(line) <= m.width("KEWARGA") + 1e-9 for line in cut)
    assert pdf.wrap("", 5, m) == [""]


def test_every_page_holds_its_rows_and_every_value_is_in_the_pdf():
    rnd = random.Random(5)
    book = books.BOOKS["induk"]
    words = ["SITI", "AMINAH", "MUHAMMAD", "RIZKY", "PRATAMA", "NUR", "HIDAYATULLAH", "BIN", "ABDUL"]
    rows = []
    for n in range(1, 301):
        name = " ".join(rnd.choice(words) for _ in range(rnd.randint(1, 5))) + f" X{n:04d}"
        rows.append(
            [str(n), name, "L", "BELUM KAWIN", "GROBOGAN, 12-03-1980", "ISLAM", "AKADEMI/ DIPLOMA III/S. MUDA",
             "PELAJAR/MAHASISWA", "WNI", "JL. ABDUL MUIS NO. 36, RT 003/RW 010 SIMBANG", "KEPALA KELUARGA",
             f"33250114126{n:05d}", "3325010101200001", ""]
        )  # fmt: skip
    content = {
        "code": "B1", "title": "B1 Buku Induk Penduduk", "subtitle": "Desa Uji · Bulan Desember 2026",
        "columns": [{"label": c.label, "width": c.width} for c in book.columns], "rows": rows,
        "empty": "-", "place_date": "Uji, 6 Desember 2026", "signer_position": "Kepala Desa Uji", "signer_name": "",
    }  # fmt: skip
    widths = pdf.column_widths_mm([c.width for c in book.columns])
    pages = pdf.paginate([c.label for c in book.columns], widths, rows)
    assert sum(len(p["rules"]) + 1 for p in pages) == len(rows)
    for page in pages:  # every column of a page has the same number of lines: the rows line up
        assert len({len(col.split("\n")) for col in page["columns"]}) == 1
    data = pdf.render_book(content)
    # No page's rows overflowed onto another page (the signature may take one page more).
    assert _pages(data) in (len(pages), len(pages) + 1)
    text = _text(data)
    for n in range(1, 301):
        assert f"X{n:04d}" in text
        assert f"33250114126{n:05d}" in text
    first = _text(data, "-f", "1", "-l", "1", "-layout")
    assert "BUKU INDUK PENDUDUK" in first
    assert "Kewarga-" in first
    assert "Halaman 1" in first


def test_an_empty_book_still_has_its_head_and_signature():
    book = books.BOOKS["sementara"]
    content = {
        "code": "B4", "title": "B4 Buku Penduduk Sementara", "subtitle": "Desa Uji",
        "columns": [{"label": c.label, "width": c.width} for c in book.columns], "rows": [],
        "empty": "Tidak ada data pada bulan ini.", "place_date": "Uji, 6 Desember 2026",
        "signer_position": "Kepala Desa Uji", "signer_name": "",
    }  # fmt: skip
    text = _text(pdf.render_book(content))
    assert "Tidak ada data pada bulan ini." in text
    assert "Kepala Desa Uji" in text
