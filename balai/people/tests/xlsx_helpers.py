"""Build OpenSID-format spreadsheets for tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import xlsxwriter

from balai.people.opensid import HEADERS
from balai.people.validation import nik_from

REGION = "332501"  # Kec. Wonotunggal, Batang: a known NIK prefix


def nik(birth: dt.date, sex: int, serial: int) -> str:
    return nik_from(region6=REGION, birth_date=birth, sex=sex, serial=serial)


def kk(serial: int) -> str:
    return f"{REGION}010120{serial:04d}"


def person(serial: int, **overrides: Any) -> dict[str, Any]:
    """One valid row (OpenSID column names) with a NIK matching its birth date and sex."""
    sex = overrides.get("sex", 1)
    birth = dt.date(1980, 1 + serial % 12, 1 + serial % 28)
    row: dict[str, Any] = {
        "alamat": "JL. MELATI NO. 1",
        "dusun": "KRAJAN",
        "rw": "001",
        "rt": "002",
        "nama": f"WARGA NOMOR {'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[serial % 26]}",
        "no_kk": kk(1),
        "nik": nik(birth, sex if sex in (1, 2) else 1, serial),
        "sex": sex,
        "tempatlahir": "BATANG",
        "tanggallahir": birth.strftime("%d-%m-%Y"),
        "agama_id": 1,
        "pendidikan_kk_id": 5,
        "pekerjaan_id": 9,
        "status_kawin": 2,
        "kk_level": 4,
        "warganegara_id": 1,
    }
    row.update(overrides)
    return row


def write_xlsx(
    path: Path,
    rows: list[dict[str, Any]] | list[list[Any]],
    *,
    headers: list[str] | tuple[str, ...] = HEADERS,
    sheet: str = "Data Penduduk",
    extra_sheets: tuple[str, ...] = (),
    formulas: dict[tuple[int, int], str] | None = None,
) -> Path:
    """Rows are dicts by column name or plain lists; `formulas` maps (row, col) to a formula."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False})
    for name in extra_sheets:
        book.add_worksheet(name).write_string(0, 0, "kode")
    ws = book.add_worksheet(sheet)
    date_format = book.add_format({"num_format": "dd-mm-yyyy"})
    for c, name in enumerate(headers):
        ws.write_string(0, c, name)
    for r, row in enumerate(rows, start=1):
        cells = [row.get(h, "") for h in headers] if isinstance(row, dict) else row
        for c, value in enumerate(cells):
            if value is None or value == "":
                continue
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), date_format)  # noqa: DTZ001
            elif isinstance(value, bool):
                ws.write_boolean(r, c, value)
            elif isinstance(value, (int, float)):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, str(value))
    for (r, c), formula in (formulas or {}).items():
        ws.write_formula(r, c, formula, None, 2)
    book.close()
    return path
