import datetime as dt
import os
import zipfile

import pytest

from balai.people import opensid
from balai.people.tests.xlsx_helpers import kk, nik, person, write_xlsx


def _values(parsed, row_index=0):
    return dict(zip(parsed.keys, parsed.rows[row_index].values, strict=True))


def _errors(parsed):
    return [(e.row, e.column, e.message) for e in parsed.errors]


def test_parse_reads_every_column_of_a_valid_row(tmp_path):
    # given
    birth = dt.date(1990, 7, 1)
    row = person(
        1,
        sex=2,
        nik=nik(birth, 2, 7),
        tanggallahir=birth,
        dusun="dusun_sido mulyo",
        rw=1,
        rt="'3",
        nama="  SITI   NUR'AINI  ",
        golongan_darah_id="Tdk Th",
        status_dasar=1,
        tag_id_card="AB12345678",
        lat="-6.9123",
        lng="109.72",
        tanggalperkawinan="01/02/2010",
        tanggal_akhir_paspor="2031-12-31",
        cara_kb_id=99,
        id_asuransi=2,
        suku="JAWA",
        no_kk=" 3325-0101-0120-0001\u200b",
    )
    path = write_xlsx(tmp_path / "a.xlsx", [row])

    # when
    parsed = opensid.parse_file(path)

    # then
    assert parsed.errors == []
    values = _values(parsed)
    assert values["name"] == "SITI NUR'AINI"
    assert values["nik"] == nik(birth, 2, 7)
    assert values["kk_number"] == "3325010101200001"
    assert values["birth_date"] == birth
    assert values["marriage_date"] == dt.date(2010, 2, 1)
    assert values["passport_expiry"] == dt.date(2031, 12, 31)
    assert values["dusun"] == "SIDO MULYO"
    assert (values["rw"], values["rt"]) == ("001", "003")
    assert values["blood_type"] == 13
    assert values["kb_method"] == 99
    assert values["card_uid"] == "AB12345678"
    assert (values["lat"], values["lng"]) == ("-6.9123", "109.72")
    assert values["status"] == 1
    assert parsed.warnings == []


def test_codes_accept_labels_and_aliases_case_and_space_insensitive(tmp_path):
    # given
    b = dt.date(1980, 2, 2)
    rows = [
        person(
            1,
            sex="laki-laki",
            nik=nik(b, 1, 1),
            tanggallahir=b,
            agama_id="Islam",
            status_kawin="BK",
            pendidikan_kk_id="Strata-II",
            golongan_darah_id="ab+",
            status_dasar="PINDAH DALAM NEGERI",
            pekerjaan_id="petani / pekebun",
            kk_level="kepala keluarga",
        ),
        person(
            2,
            sex="Pr",
            nik=nik(b, 2, 2),
            tanggallahir=b,
            agama_id="KATOLIK",
            status_kawin="CM",
            pendidikan_kk_id="Tidak/Blm Sekolah",
            kk_level="ISTRI",
            ktp_el="KTP-EL",
            hamil="Tidak Hamil",
        ),
        person(3, sex="L", nik=nik(b, 1, 3), tanggallahir=b, agama_id="01", pekerjaan_id=" 9 "),
    ]
    path = write_xlsx(tmp_path / "a.xlsx", rows)

    # when
    parsed = opensid.parse_file(path)

    # then
    assert parsed.errors == []
    first, second, third = (_values(parsed, i) for i in range(3))
    assert (first["sex"], first["religion"], first["marital_status"], first["education_kk"]) == (1, 1, 1, 9)
    assert (first["blood_type"], first["status"], first["occupation"], first["family_relation"]) == (
        9,
        3,
        9,
        1,
    )
    assert (second["sex"], second["religion"], second["marital_status"], second["education_kk"]) == (
        2,
        3,
        4,
        1,
    )
    assert (second["family_relation"], second["ktp_el"], second["pregnant"]) == (3, 2, 2)
    assert (third["sex"], third["religion"], third["occupation"]) == (1, 1, 9)


def test_code_out_of_range_names_row_column_and_value(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [person(1), person(2, agama_id=8), person(3, sex=3)])

    parsed = opensid.parse_file(path)

    assert [(e.row, e.column) for e in parsed.errors] == [(3, "agama_id"), (4, "sex")]
    assert "'8'" in parsed.errors[0].message
    assert "1–7" in parsed.errors[0].message
    assert "'3'" in parsed.errors[1].message
    assert [r.row for r in parsed.rows] == [2]
    assert parsed.bad_rows == {3, 4}


def test_dates_as_text_in_all_accepted_forms_and_clear_errors_otherwise(tmp_path):
    # given
    b = dt.date(1985, 3, 14)
    rows = [
        person(1, nik=nik(b, 1, 1), tanggallahir="14-03-1985"),
        person(2, nik=nik(b, 1, 2), tanggallahir="14/03/1985"),
        person(3, nik=nik(b, 1, 3), tanggallahir="1985-03-14"),
        person(4, nik=nik(b, 1, 4), tanggallahir="31-02-1985"),
        person(5, nik=nik(b, 1, 5), tanggallahir="kemarin sore"),
        person(6, nik=nik(b, 1, 6), tanggallahir="14-03-2999"),
        person(7, nik=nik(b, 1, 7), tanggallahir=31120.0),
    ]
    path = write_xlsx(tmp_path / "a.xlsx", rows)

    # when
    parsed = opensid.parse_file(path)

    # then
    assert [_values(parsed, i)["birth_date"] for i in range(3)] == [b, b, b]
    assert [(e.row, e.column) for e in parsed.errors] == [
        (5, "tanggallahir"),
        (6, "tanggallahir"),
        (7, "tanggallahir"),
        (8, "tanggallahir"),
    ]
    messages = [e.message for e in parsed.errors]
    assert "kalender" in messages[0]
    assert "dd-mm-yyyy" in messages[1]
    assert "masa depan" in messages[2]
    assert "bukan tanggal" in messages[3]


def test_end_marker_stops_reading_and_blank_rows_are_skipped(tmp_path):
    rows = [person(1), {}, person(2), {"alamat": "x", "dusun": "###"}, person(3, sex=9)]
    path = write_xlsx(tmp_path / "a.xlsx", rows)

    parsed = opensid.parse_file(path)

    assert parsed.errors == []
    assert [r.row for r in parsed.rows] == [2, 4]
    assert parsed.data_rows == 2


def test_unknown_header_rejects_the_whole_file_naming_it(tmp_path):
    headers = [*opensid.HEADERS, "nomor_hp"]
    path = write_xlsx(tmp_path / "a.xlsx", [person(1)], headers=headers)

    parsed = opensid.parse_file(path)

    assert parsed.fatal
    assert parsed.rows == []
    assert len(parsed.errors) == 1
    assert parsed.errors[0].row == 1
    assert parsed.errors[0].column == "nomor_hp"
    assert "nomor_hp" in parsed.errors[0].message


def test_missing_required_headers_are_each_reported(tmp_path):
    headers = [h for h in opensid.HEADERS if h not in ("nik", "sex")]
    path = write_xlsx(tmp_path / "a.xlsx", [person(1)], headers=headers)

    parsed = opensid.parse_file(path)

    assert parsed.fatal
    assert {(e.row, e.column) for e in parsed.errors} == {(1, "nik"), (1, "sex")}


def test_headers_in_any_order_and_case_and_only_some_columns(tmp_path):
    # given
    headers = ["NIK", "Nama", "sex", "no_kk", "tanggallahir"]
    b = dt.date(1980, 5, 5)
    path = write_xlsx(
        tmp_path / "a.xlsx", [[nik(b, 1, 9), "BUDI", "L", kk(2), "05-05-1980"]], headers=headers
    )

    # when
    parsed = opensid.parse_file(path)

    # then
    assert parsed.errors == []
    assert set(parsed.keys) == {"nik", "name", "sex", "kk_number", "birth_date"}
    assert _values(parsed)["name"] == "BUDI"


def test_empty_file_is_a_clear_error(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")

    parsed = opensid.parse_file(path)

    assert parsed.fatal
    assert _errors(parsed) == [(None, "", "Berkas kosong.")]


def test_junk_bytes_are_a_clear_error_not_a_traceback(tmp_path):
    path = tmp_path / "junk.xlsx"
    path.write_bytes(os.urandom(2 * 1024 * 1024))

    parsed = opensid.parse_file(path)

    assert parsed.fatal
    assert "bukan spreadsheet xlsx" in parsed.errors[0].message


def test_zip_that_is_not_a_spreadsheet_or_is_broken(tmp_path):
    # given
    plain = tmp_path / "plain.xlsx"
    with zipfile.ZipFile(plain, "w") as zf:
        zf.writestr("hello.txt", "halo")
    broken = tmp_path / "broken.xlsx"
    good = write_xlsx(tmp_path / "good.xlsx", [person(1)])
    broken.write_bytes(good.read_bytes()[:2000])

    # when / then
    assert "bukan spreadsheet" in opensid.parse_file(plain).errors[0].message
    parsed = opensid.parse_file(broken)
    assert parsed.fatal
    assert "rusak" in parsed.errors[0].message


def test_header_only_file_has_no_data(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [])

    parsed = opensid.parse_file(path)

    assert parsed.fatal
    assert "Tidak ada baris data" in parsed.errors[0].message


def test_formula_text_and_real_formulas_are_refused(tmp_path):
    # given: a text value starting with "=", and a real formula cell in column "agama_id"
    religion_col = opensid.HEADERS.index("agama_id")
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [person(1, nama='=HYPERLINK("http://x")'), person(2), person(3)],
        formulas={(3, religion_col): "=1+1"},
    )

    # when
    parsed = opensid.parse_file(path)

    # then
    assert [(e.row, e.column) for e in parsed.errors] == [(2, "nama"), (4, "agama_id")]
    assert "Rumus" in parsed.errors[0].message
    assert "rumus" in parsed.errors[1].message
    assert [r.row for r in parsed.rows] == [3]


def test_duplicate_nik_in_file_is_an_error_on_the_later_row(tmp_path):
    first = person(1)
    path = write_xlsx(tmp_path / "a.xlsx", [first, person(2), person(3, nik=first["nik"])])

    parsed = opensid.parse_file(path)

    assert [(e.row, e.column) for e in parsed.errors] == [(4, "nik")]
    assert "baris 2" in parsed.errors[0].message
    assert first["nik"] not in parsed.errors[0].message  # masked


def test_nik_and_kk_problems(tmp_path):
    rows = [
        person(1, nik="12345"),
        person(2, nik="9925010101800001"),
        person(3, no_kk="3325010101200000"),
        person(4, nik=""),
        person(5, nik="3325014107800001", sex=1, tanggallahir="01-07-1980"),  # female NIK, male row
        person(6, nik="0"),
    ]
    path = write_xlsx(tmp_path / "a.xlsx", rows)

    parsed = opensid.parse_file(path)

    assert [(e.row, e.column) for e in parsed.errors] == [(2, "nik"), (3, "nik"), (4, "no_kk"), (5, "nik")]
    assert "16 angka" in parsed.errors[0].message
    assert "kode wilayah" in parsed.errors[1].message
    assert "wajib" in parsed.errors[3].message
    # A mismatch of sex/birth date is a warning: the row is accepted and marked.
    assert [(w.row, w.column) for w in parsed.warnings] == [(6, "nik")]
    by_row = {r.row: r for r in parsed.rows}
    assert by_row[6].nik_warning
    assert by_row[7].temporary_nik


def test_names_lengths_and_required_fields(tmp_path):
    rows = [
        person(1, nama="BUDI 2"),
        person(2, nama_ayah="AYAH_KU"),
        person(3, tag_id_card="123"),
        person(4, lat="1"),
        person(5, nama=""),
        person(6, sex=""),
        person(7, rw="1234"),
        person(8, alamat="x" * 300),
        person(9, nama="O'NEIL-SMITH, JR."),
    ]
    path = write_xlsx(tmp_path / "a.xlsx", rows)

    parsed = opensid.parse_file(path)

    assert [(e.row, e.column) for e in parsed.errors] == [
        (2, "nama"),
        (3, "nama_ayah"),
        (4, "tag_id_card"),
        (5, "lat"),
        (6, "nama"),
        (7, "sex"),
        (8, "rw"),
        (9, "alamat"),
    ]
    assert [r.row for r in parsed.rows] == [10]


def test_two_heads_of_one_family_is_an_error_on_the_second(tmp_path):
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [person(1, kk_level=1), person(2, kk_level=1), person(3, kk_level=1, no_kk=kk(2))],
    )

    parsed = opensid.parse_file(path)

    assert [(e.row, e.column) for e in parsed.errors] == [(3, "kk_level")]


def test_sheet_data_penduduk_is_preferred_and_kode_data_skipped(tmp_path):
    chosen = write_xlsx(tmp_path / "a.xlsx", [person(1)], extra_sheets=("Kode Data", "Lain"))
    first_not_codes = write_xlsx(
        tmp_path / "b.xlsx", [person(1)], sheet="Sheet1", extra_sheets=("Kode Data",)
    )

    assert opensid.parse_file(chosen).sheet == "Data Penduduk"
    parsed = opensid.parse_file(first_not_codes)
    assert parsed.sheet == "Sheet1"
    assert len(parsed.rows) == 1


def test_a_sheet_that_starts_below_row_1_is_read_from_its_header(tmp_path):
    # given: two blank rows and a blank column before the header (a title removed, say)
    import xlsxwriter

    path = tmp_path / "a.xlsx"
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    sheet = book.add_worksheet("Data Penduduk")
    rows = [
        list(opensid.HEADERS),
        [person(1).get(h, "") for h in opensid.HEADERS],
        [person(2, agama_id=99).get(h, "") for h in opensid.HEADERS],
    ]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if value != "":
                sheet.write(2 + r, 1 + c, value)
    book.close()

    # when
    parsed = opensid.parse_file(path)

    # then: row numbers are the sheet's own
    assert [r.row for r in parsed.rows] == [4]
    assert [(e.row, e.column) for e in parsed.errors] == [(5, "agama_id")]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("01-02-2003", dt.date(2003, 2, 1)),
        ("1/2/2003", dt.date(2003, 2, 1)),
        ("'01-02-2003", dt.date(2003, 2, 1)),
        ("2003-02-01 00:00:00", dt.date(2003, 2, 1)),
        ("01-02-2003 07:30", dt.date(2003, 2, 1)),
        (dt.datetime(2003, 2, 1, 10, 0, tzinfo=dt.UTC), dt.date(2003, 2, 1)),
    ],
)
def test_date_converter_forms(cell, expected):
    convert = opensid.converters(dt.date(2026, 1, 1))["marriage_date"]

    assert convert(cell) == expected


def test_a_bad_cell_in_one_chunk_of_many_costs_only_its_row(tmp_path, monkeypatch):
    # Cells are converted column by column a chunk of rows at a time; a chunk holding a bad
    # cell is converted again row by row. Three chunks of four rows here.
    monkeypatch.setattr(opensid, "CONVERT_ROWS", 4)
    rows = [person(i) for i in range(1, 13)]
    rows[5]["sex"] = "X"  # spreadsheet row 7, the second chunk
    rows[5]["agama_id"] = 99
    rows[6]["nama"] = "BUDI 2"  # row 8, same chunk
    rows[9]["nama"] = "JOSÉ ÑUÑEZ-ÅBERG"  # row 11, third chunk: letters outside ASCII
    path = write_xlsx(tmp_path / "a.xlsx", rows)

    parsed = opensid.parse_file(path)

    assert [(e.row, e.column) for e in parsed.errors] == [(7, "sex"), (7, "agama_id"), (8, "nama")]
    assert [r.row for r in parsed.rows] == [2, 3, 4, 5, 6, 9, 10, 11, 12, 13]
    whole = opensid.parse_file(write_xlsx(tmp_path / "b.xlsx", [person(i) for i in range(1, 13)]))
    for got in parsed.rows:
        assert got.values == whole.rows[got.row - 2].values or got.row == 11
    assert _values(parsed, 7)["name"] == "JOSÉ ÑUÑEZ-ÅBERG"


@pytest.mark.parametrize(
    ("number", "birth", "sex"),
    [
        ("3325010107900001", dt.date(1990, 7, 1), 1),  # all agree
        ("3325014107900001", dt.date(1990, 7, 1), 2),  # a woman: day + 40
        ("3325014107900001", dt.date(1990, 7, 1), 1),  # a woman's NIK on a man's row
        ("3325010107900001", dt.date(1990, 7, 2), 1),  # another birth day
        ("3325010107910001", dt.date(1990, 7, 1), 1),  # another year
        ("3325010107900000", dt.date(1990, 7, 1), 1),  # serial 0000
        ("9925010107900001", dt.date(1990, 7, 1), 1),  # no such district
        ("0325010107900001", dt.date(1990, 7, 1), 1),  # temporary
        ("3325013207900001", dt.date(1990, 7, 1), 1),  # day 32
        ("332501010790001", dt.date(1990, 7, 1), 1),  # 15 digits
        ("3325010107900001", None, 1),  # no birth date
        ("3325010107900001", dt.date(1990, 7, 1), None),  # no sex
        ("3325010107900001", dt.datetime(1990, 7, 1, 8, 0, tzinfo=dt.UTC), 1),
    ],
)
def test_the_nik_fast_path_passes_only_what_the_full_check_finds_nothing_in(number, birth, sex):
    from balai.people.validation import nik_check
    from balai.regions.selectors import nik_region_prefixes

    ok = opensid._nik_fast_path(nik_region_prefixes())
    check = nik_check(number, birth_date=birth, sex=sex)

    if ok(number, birth, sex):
        assert not check.errors
        assert not check.warnings
    # What the fast path leaves to the full check is what a real file has in most rows.
    clean = [("3325010107900001", dt.date(1990, 7, 1), 1), ("3325014107900001", dt.date(1990, 7, 1), 2)]
    assert ok(number, birth, sex) == ((number, birth, sex) in clean)
    assert ok(number, birth, sex) == ok(number, birth, sex)  # remembered alike


def test_batches_are_small_first_then_full_then_smaller_near_the_end(tmp_path, monkeypatch):
    # The first batch is small so the writing starts early; the last ones shrink (half the
    # rows left) so little is left to write once the reading ends. Chunks of three rows are
    # converted at a time: the sizes follow the rows checked, not the rows read ahead.
    monkeypatch.setattr(opensid, "FIRST_BATCH_ROWS", 4)
    monkeypatch.setattr(opensid, "CONVERT_ROWS", 3)
    rows = [person(i, no_kk=kk(i)) for i in range(1, 31)]
    rows[20]["nama"] = ""  # an invalid row is checked, never handed on
    path = write_xlsx(tmp_path / "a.xlsx", rows)
    parsed = opensid.ParsedFile()

    sizes = [len(batch) for batch in opensid.parse_batches(path, parsed, size=8)]

    assert sizes == [4, 8, 8, 5, 4]
    assert sum(sizes) == 29
    assert [(e.row, e.column) for e in parsed.errors] == [(22, "nama")]


def test_a_boolean_cell_is_refused_even_after_the_number_it_equals(tmp_path):
    # As a dict key TRUE is 1: a converter that remembers must not take the one for the other.
    rows = [person(1), person(2, agama_id=True), person(3, sex=True), person(4, agama_id=1.0)]
    path = write_xlsx(tmp_path / "a.xlsx", rows)

    parsed = opensid.parse_file(path)

    assert [(e.row, e.column) for e in parsed.errors] == [(3, "agama_id"), (4, "sex")]
    assert [r.row for r in parsed.rows] == [2, 5]
    assert _values(parsed, 1)["religion"] == 1
