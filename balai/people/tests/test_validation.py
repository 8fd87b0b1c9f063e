import datetime as dt

import pytest

from balai.people.validation import clean_number, kk_check, nik_check


def test_nik_valid_woman():
    check = nik_check("3325014107900001", birth_date=dt.date(1990, 7, 1), sex=2)
    assert check.ok
    assert not check.warnings


@pytest.mark.parametrize(
    ("nik", "fragment"),
    [
        ("33250141079000", "16 angka"),
        ("9925014107900001", "kode wilayah"),
        ("3325013207900001", "tanggal lahir 32"),
        ("3325017207900001", "tanggal lahir 72"),
        ("3325010113900001", "bulan lahir 13"),
        ("3325010107900000", "nomor urut 0000"),
    ],
)
def test_nik_errors_name_the_problem(nik, fragment):
    check = nik_check(nik)
    assert not check.ok
    assert any(fragment in e for e in check.errors), check.errors


def test_nik_historic_region_prefix_is_accepted():
    # 11.72.01 appears only in the historic editions (regions renumbered since).
    assert nik_check("1172010107900001").ok


def test_nik_birth_date_and_sex_mismatch_are_warnings_only():
    check = nik_check("3325010107900001", birth_date=dt.date(1991, 7, 1), sex=2)
    assert check.ok
    assert len(check.warnings) == 2


def test_temporary_nik_skips_structure():
    assert nik_check("0332501200700001").ok


def test_kk_check():
    assert kk_check("3325010101200001").ok
    assert not kk_check("3325013301200001").ok


def test_clean_number_strips_invisible_characters():
    assert clean_number("\u200b3325 0141-0790\u00a00001") == "3325014107900001"
    assert clean_number(3325014107900001.0) == "3325014107900001"
