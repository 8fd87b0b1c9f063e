"""A resident's biodata as a letter prints it: the registry's labels in title case with their
abbreviations kept, the address, the place and date of birth. Below `content` and the letter
types, which both print residents (a type's parents' lines, `pengantar_nikah`)."""

from __future__ import annotations

import re

from balai.letters.text import date_id
from balai.people import codes
from balai.people.models import Resident

# Kept upper case where recorded so: the registry's labels (OpenSID's code tables) and
# addresses spell these in capitals, and "Pns" or "Sd" would misprint them.
ABBREVIATIONS = frozenset(
    {
        *("PNS", "ASN", "PPPK", "TNI", "POLRI", "RI", "BUMN", "BUMD", "DPR", "DPRD", "DPD", "BPK"),
        *("MPR", "TK", "SD", "SMP", "SMA", "SMK", "SMU", "SLTP", "SLTA", "SLB", "PAUD"),
        *("D1", "D2", "D3", "D4", "S1", "S2", "S3", "RT", "RW", "KK", "NIK", "KTP", "KIA"),
        *("WNI", "WNA", "YME", "DKI", "DIY", "NTB", "NTT"),
    }
)
# Kata tugas stay small inside a label (PUEBI): "Membaca dan Menulis", "terhadap Tuhan".
MINOR_WORDS = frozenset(
    {"dan", "atau", "di", "ke", "dari", "yang", "untuk", "dengan", "terhadap", "pada", "dalam", "oleh"}
)
_ROMAN = re.compile(r"(?=[IVX]+$)X{0,3}(IX|IV|V?I{0,3})")
_SEPARATORS = re.compile(r"([\s/()\-.,]+)")


def _title_word(word: str, before: str, after: str, first: bool) -> str:
    if word.isupper() and (word in ABBREVIATIONS or _ROMAN.fullmatch(word)):
        return word
    # A capitalised word alone in brackets is an abbreviation glossed: "Sipil (PNS)".
    if word.isupper() and word.isalpha() and before.endswith("(") and after.startswith(")"):
        return word
    if before == "-" or (not first and word.lower() in MINOR_WORDS):
        return word.lower()  # the second half of a kata ulang: "Laki-laki"
    return word[:1].upper() + word[1:].lower()


def _title(value: str) -> str:
    """A recorded label or name as printed: `PEGAWAI NEGERI SIPIL (PNS)` -> `Pegawai Negeri
    Sipil (PNS)`, `TAMAT SD / SEDERAJAT` -> `Tamat SD / Sederajat`, `PETANI/PEKEBUN` ->
    `Petani/Pekebun`, `DIPLOMA IV/ STRATA I` -> `Diploma IV/ Strata I`."""
    parts = _SEPARATORS.split(" ".join(value.split()))
    out = []
    for i, part in enumerate(parts):
        if i % 2:  # re.split puts the separators at odd indexes
            out.append(part)
            continue
        before = parts[i - 1] if i else ""
        after = parts[i + 1] if i + 1 < len(parts) else ""
        out.append(_title_word(part, before, after, first=i == 0))
    return "".join(out)


def _code(table: dict[int, str], value: int | None) -> str:
    return _title(table.get(value, "")) if value is not None else "-"


def _address(r: Resident) -> str:
    if r.current_address:
        return r.current_address
    parts = []
    if r.family_id and r.family and r.family.address:
        parts.append(r.family.address)
    if r.rt_id and r.rt:
        parts.append(f"RT {r.rt.rt} RW {r.rt.rw}, Dusun {_title(r.rt.dusun.name)}")
    return ", ".join(parts) or "-"


def resident_values(r: Resident) -> dict[str, str]:
    birth = date_id(r.birth_date) or "-"
    return {
        "nama": r.name,
        "nik": r.nik,
        "no_kk": r.family.kk_number if r.family_id and r.family else "-",
        "tempat_lahir": r.birth_place or "-",
        "tanggal_lahir": birth,
        "ttl": f"{_title(r.birth_place)}, {birth}" if r.birth_place else birth,
        "jenis_kelamin": _code(codes.SEX, r.sex),
        "agama": _code(codes.RELIGION, r.religion),
        "status_perkawinan": _code(codes.MARITAL_STATUS, r.marital_status),
        "pekerjaan": _code(codes.OCCUPATION, r.occupation),
        "pendidikan": _code(codes.EDUCATION_KK, r.education_kk),
        "golongan_darah": codes.BLOOD_TYPE.get(r.blood_type, "-") if r.blood_type else "-",
        "hubungan_keluarga": _code(codes.FAMILY_RELATION, r.family_relation),
        "kewarganegaraan": codes.CITIZENSHIP.get(r.citizenship, "-"),
        "alamat": _address(r),
        "rt": r.rt.rt if r.rt_id and r.rt else "-",
        "rw": r.rt.rw if r.rt_id and r.rt else "-",
        "dusun": _title(r.rt.dusun.name) if r.rt_id and r.rt else "-",
        "nama_ayah": r.father_name or "-",
        "nama_ibu": r.mother_name or "-",
    }
