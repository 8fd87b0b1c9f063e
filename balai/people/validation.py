"""NIK and KK number checks (Dukcapil structure; see docs/domain notes §2).

Errors reject a number; warnings (birth date or sex disagreeing with the record) are shown
to the operator, who may accept them: legacy data carries such mismatches.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balai.core.digits import only_digits
from balai.regions.selectors import nik_region_prefixes


@dataclass
class NumberCheck:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def clean_number(value: object) -> str:
    """The number's ASCII digits: digits of other scripts turned into ASCII, everything
    else dropped (Dukcapil exports carry invisible characters)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return only_digits(value or "")


def is_temporary(number: str) -> bool:
    return number.startswith("0")


def _check_shape(number: str, label: object) -> list[str]:
    if not number:
        return [_("%(label)s wajib diisi.") % {"label": label}]
    if len(number) != 16:
        return [_("%(label)s harus 16 angka (tertulis %(n)d angka).") % {"label": label, "n": len(number)}]
    return []


def _check_region(number: str, label: object) -> list[str]:
    if number[:6] not in nik_region_prefixes():
        return [
            _("%(label)s: kode wilayah %(code)s bukan kecamatan yang dikenal.")
            % {"label": label, "code": f"{number[:2]}.{number[2:4]}.{number[4:6]}"}
        ]
    return []


def nik_check(nik: str, *, birth_date: dt.date | None = None, sex: int | None = None) -> NumberCheck:
    result = NumberCheck(errors=_check_shape(nik, "NIK"))
    if result.errors or is_temporary(nik):
        return result
    result.errors += _check_region(nik, "NIK")
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female = day > 40
    real_day = day - 40 if female else day
    if not (1 <= day <= 31 or 41 <= day <= 71):
        result.errors.append(
            _("NIK: tanggal lahir %(day)02d tidak sah (01–31, atau 41–71 untuk perempuan).") % {"day": day}
        )
    if not 1 <= month <= 12:
        result.errors.append(_("NIK: bulan lahir %(month)02d tidak sah (01–12).") % {"month": month})
    if nik[12:] == "0000":
        result.errors.append(_("NIK: nomor urut 0000 tidak sah."))
    if result.errors:
        return result
    if sex is not None and sex in (1, 2) and (sex == 2) != female:
        result.warnings.append(
            _("Jenis kelamin tidak sesuai NIK (NIK menunjukkan %(sex)s).")
            % {"sex": _("perempuan") if female else _("laki-laki")}
        )
    if birth_date is not None and (
        birth_date.day != real_day or birth_date.month != month or birth_date.year % 100 != year2
    ):
        result.warnings.append(
            _("Tanggal lahir tidak sesuai NIK (NIK menunjukkan %(d)02d-%(m)02d-..%(y)02d).")
            % {"d": real_day, "m": month, "y": year2}
        )
    return result


# Lazy: translated only when a message is built, not on each of 100,000 imported rows.
KK_LABEL = gettext_lazy("Nomor KK")


def kk_check(kk: str) -> NumberCheck:
    result = NumberCheck(errors=_check_shape(kk, KK_LABEL))
    if result.errors or is_temporary(kk):
        return result
    result.errors += _check_region(kk, KK_LABEL)
    day, month = int(kk[6:8]), int(kk[8:10])
    if not 1 <= day <= 31:
        result.errors.append(_("Nomor KK: tanggal %(day)02d tidak sah (01–31).") % {"day": day})
    if not 1 <= month <= 12:
        result.errors.append(_("Nomor KK: bulan %(month)02d tidak sah (01–12).") % {"month": month})
    if kk[12:] == "0000":
        result.errors.append(_("Nomor KK: nomor urut 0000 tidak sah."))
    return result


def nik_from(*, region6: str, birth_date: dt.date, sex: int, serial: int) -> str:
    """Compose a structurally valid NIK (demo data, tests)."""
    day = birth_date.day + (40 if sex == 2 else 0)
    return f"{region6}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"
