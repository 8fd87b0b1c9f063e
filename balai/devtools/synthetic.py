"""Synthetic villages for `balai bench` beyond the deployment regency's real ones.

Batang has 248 villages; the largest regencies have about 1,200 (issue 22: 5,000,000 residents
in 1,200 villages). The bench builds the rest as clearly synthetic districts and villages of the
same regency, so every regency page counts them: district codes from 81 up (Kemendagri numbers a
regency's districts from 01, and no regency has eighty), village numbers 9001 and up, names
"Kecamatan Sintetis 81" and "Desa Sintetis 81-9001". They exist only in the bench's own
database: the product's region list (regions/data) never holds them, `village_create` refuses
them, and only the bench asks for them (`demo_village_codes(..., synthetic=True)`).

Their residents' NIK and KK carry the region prefix of a real district of the regency (the
synthetic district's number modulo the real ones), so the numbers pass the same validation as
any other demo resident's.
"""

from __future__ import annotations

FIRST_DISTRICT = 81
VILLAGES_PER_DISTRICT = 60
FIRST_VILLAGE = 9001


def synthetic_codes(regency: str, count: int) -> list[str]:
    """`count` synthetic village codes of `regency`, always the same for the same count."""
    codes = []
    for n in range(count):
        district, village = divmod(n, VILLAGES_PER_DISTRICT)
        number = FIRST_DISTRICT + district
        if number > 99:
            raise ValueError(f"Paling banyak {(100 - FIRST_DISTRICT) * VILLAGES_PER_DISTRICT} desa sintetis.")
        codes.append(f"{regency}.{number:02d}.{FIRST_VILLAGE + village}")
    return codes


def is_synthetic(code: str) -> bool:
    parts = code.split(".")
    return len(parts) >= 3 and parts[2].isdigit() and int(parts[2]) >= FIRST_DISTRICT


def synthetic_name(code: str) -> str:
    """`Kecamatan Sintetis 81` for a district code, `Desa Sintetis 81-9001` for a village's."""
    parts = code.split(".")
    if len(parts) == 3:
        return f"Kecamatan Sintetis {parts[2]}"
    return f"Desa Sintetis {parts[2]}-{parts[3]}"


def nik_region6(code: str, real_districts: list[str]) -> str:
    """The six-digit NIK prefix for a village: its own, or for a synthetic village one of the
    regency's real districts (`real_districts`, codes like 33.25.01), chosen by its number."""
    if not is_synthetic(code) or not real_districts:
        return code.replace(".", "")[:6]
    number = int(code.split(".")[2]) - FIRST_DISTRICT
    return real_districts[number % len(real_districts)].replace(".", "")[:6]
