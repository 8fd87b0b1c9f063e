"""Write a village's residents in OpenSID's import format, so the file goes back in unchanged.

Codes are written as numeric ids, dates as `dd-mm-yyyy` text and every other value as a
string cell (through `core.xlsx`), so a value such as "=HYPERLINK(...)" can never turn into
a formula in the operator's spreadsheet program. The export's notes are a sheet after
"Data Penduduk", which the import does not read.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from balai.audit.services import audit_record
from balai.core import xlsx
from balai.people import codes, opensid
from balai.people.models import Resident
from balai.people.validation import nik_from
from balai.regions.models import Village

if TYPE_CHECKING:
    from balai.accounts.models import User

# Export column -> value path on Resident (values_list lookups).
_SOURCES: dict[str, str] = {
    "family_address": "family__address",
    "kk_number": "family__kk_number",
    "dusun": "rt__dusun__name",
    "rw": "rt__rw",
    "rt": "rt__rt",
}


def _lookups() -> list[str]:
    return [_SOURCES.get(key, key) for key in opensid.COLUMN_KEYS.values()]


def _write_rows(
    path: str | os.PathLike[str], rows: Iterable[tuple[Any, ...]], *, village: Village | None = None
) -> int:
    kinds = []
    for column, key in opensid.COLUMN_KEYS.items():
        if column in codes.COLUMN_TABLES:
            kinds.append("n")
        elif key in opensid.DATE_KEYS:
            kinds.append("d")
        else:
            kinds.append("s")
    title = _("Penduduk desa, format impor OpenSID (lembar %(sheet)s)") % {"sheet": opensid.SHEET_NAME}
    filters = [(_("Penduduk"), _("semua status (hidup, mati, pindah, hilang, pergi)"))]
    count = 0
    with xlsx.Workbook(
        title=title, village=village, filters=filters, path=path, constant_memory=True
    ) as book:
        sheet = book.add_sheet(opensid.SHEET_NAME)
        sheet.write_row(0, 0, opensid.HEADERS, book.style(bold=True))
        write = sheet.write
        for r, values in enumerate(rows, start=1):
            for c, (kind, value) in enumerate(zip(kinds, values, strict=True)):
                if value is None or value == "":
                    continue
                if kind == "n":
                    write(r, c, value)
                elif kind == "d":
                    write(r, c, value.strftime("%d-%m-%Y"))
                else:
                    write(r, c, str(value))
            count = r
    return count


def export_residents(*, village: Village, path: str | os.PathLike[str], actor: User | None = None) -> int:
    """Every resident of the village (all statuses), family by family; returns the count.

    Personal data leaves the system here, so each export is an audit event.
    """
    rows = (
        Resident.objects.filter(village=village)
        .order_by("family__kk_number", "family_relation", "id")
        .values_list(*_lookups())
        .iterator(chunk_size=5000)
    )
    count = _write_rows(path, rows, village=village)
    audit_record(
        actor=actor,
        village=village,
        action="residents.exported",
        object_type="village",
        object_id=village.code,
        changes={"format": "opensid-xlsx", "residents": count},
    )
    return count


# --- Synthetic files (benchmarks, tests) ---------------------------------------------------

_MALE = ["AGUS", "BUDI", "SLAMET", "JOKO", "WAHYU", "ARIF", "DWI", "EKO", "HADI", "RUDI", "SUGENG", "TRI"]
_FEMALE = ["SITI", "SRI", "ENDANG", "WATI", "RINA", "DEWI", "YULI", "NUR", "TUTIK", "ANI", "LESTARI", "UMI"]
_FAMILY = ["SANTOSO", "WAHYUNI", "PRASETYO", "RAHAYU", "HIDAYAT", "SETIAWAN", "LESTARI", "SAPUTRA", "MULYONO"]


def synthetic_rows(*, village: Village, rows: int, seed: int = 0) -> Iterator[tuple[Any, ...]]:
    """Plausible residents in families of one to six, with structurally valid NIK/KK numbers."""
    rnd = random.Random(seed)
    region = village.code_digits[:6]
    keys = list(opensid.COLUMN_KEYS.values())
    made = 0
    family_no = 0
    serial = 0
    used: set[str] = set()
    while made < rows:
        family_no += 1
        dusun = f"DUSUN {(family_no % 6) + 1}"
        rw, rt = f"{(family_no % 4) + 1:03d}", f"{(family_no % 9) + 1:03d}"
        issued = dt.date(2010 + family_no % 14, 1 + family_no % 12, 1 + family_no % 28)
        kk = f"{region}{issued:%d%m%y}{family_no % 9999 + 1:04d}"
        address = f"JL. DESA NO. {family_no}"
        surname = rnd.choice(_FAMILY)
        size = min(rnd.randint(1, 6), rows - made)
        for member in range(size):
            serial += 1
            if member == 0:
                sex, relation, age = 1, 1, rnd.randint(25, 80)
            elif member == 1:
                sex, relation, age = 2, 3, rnd.randint(22, 75)
            else:
                sex, relation, age = rnd.randint(1, 2), 4, rnd.randint(0, 30)
            birth = dt.date(2024 - age, rnd.randint(1, 12), rnd.randint(1, 28))
            nik = nik_from(region6=region, birth_date=birth, sex=sex, serial=serial % 9999 + 1)
            while nik in used:
                serial += 1
                nik = nik_from(region6=region, birth_date=birth, sex=sex, serial=serial % 9999 + 1)
            used.add(nik)
            first = rnd.choice(_MALE if sex == 1 else _FEMALE)
            record = {
                "family_address": address,
                "dusun": dusun,
                "rw": rw,
                "rt": rt,
                "name": f"{first} {surname}",
                "kk_number": kk,
                "nik": nik,
                "sex": sex,
                "birth_place": "BATANG",
                "birth_date": birth,
                "religion": rnd.choice([1, 1, 1, 2, 3]),
                "education_kk": rnd.randint(1, 10),
                "education_current": 18,
                "occupation": rnd.randint(1, 89),
                "marital_status": 2 if relation in (1, 3) else 1,
                "family_relation": relation,
                "citizenship": 1,
                "father_nik": "",
                "father_name": "BAPAK " + surname,
                "mother_nik": "",
                "mother_name": "IBU " + surname,
                "blood_type": rnd.randint(1, 13),
                "birth_certificate_no": f"3325-LT-{serial:08d}",
                "passport_no": "",
                "passport_expiry": None,
                "kitas_no": "",
                "marriage_certificate_no": "",
                "marriage_date": None,
                "divorce_certificate_no": "",
                "divorce_date": None,
                "disability": 7,
                "kb_method": None,
                "pregnant": None,
                "ktp_el": 2 if age >= 17 else 1,
                "ktp_record_status": 3 if age >= 17 else 1,
                "current_address": "",
                "status": codes.STATUS_ALIVE,
                "ethnicity": "JAWA",
                "card_uid": "",
                "insurance_type": rnd.choice([1, 2, 3]),
                "insurance_no": "",
                "lat": "",
                "lng": "",
            }
            made += 1
            yield tuple(record[k] for k in keys)


def write_synthetic(*, village: Village, path: str | os.PathLike[str], rows: int, seed: int = 0) -> int:
    """An OpenSID file of `rows` synthetic residents of `village` (for `balai bench`)."""
    return _write_rows(path, synthetic_rows(village=village, rows=rows, seed=seed))
