"""A request's inputs against its letter type: the type itself, the subject's rule and the
extra fields, each kind (text, date, number, money, nik, year) parsed as people write it and
checked with a Bahasa Indonesia message naming the field."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from balai.core.digits import ascii_digits
from balai.core.errors import ApplicationError
from balai.letters.models import Letter
from balai.letters.types import get_type
from balai.letters.types.base import Field, LetterType
from balai.people.models import Resident


def letter_type_of(letter: Letter) -> LetterType:
    letter_type = get_type(letter.type_code)
    if letter_type is None:
        raise ApplicationError(f"Jenis surat {letter.type_code!r} tidak lagi tersedia.")
    return letter_type


AMOUNT_ID = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+")  # 1.500.000 or 1500000
AMOUNT_EN = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")  # 1,500,000


def _amount(value: str, *, money: bool) -> str | None:
    """Digits of a count or an amount as people write it ("Rp 1.500.000,00", "1.500.000,-",
    "1,500,000"); None when it is not one. Decimals must be zero: a letter states whole rupiah."""
    text = value.replace(" ", "")
    if money:
        text = text.removeprefix("Rp").removeprefix("RP").removeprefix("rp").removesuffix(",-")
    whole, cents = text, ""
    if "," in text and not AMOUNT_EN.fullmatch(text):
        whole, _, cents = text.rpartition(",")
        if not (money and re.fullmatch(r"0{1,2}", cents)):
            return None
    if AMOUNT_ID.fullmatch(whole) or (money and AMOUNT_EN.fullmatch(whole)):
        return str(int(whole.replace(".", "").replace(",", "")))
    return None


def _field_error(f: Field, value: str, today: dt.date) -> tuple[str, str]:
    """The cleaned value, and an error message naming the field ("" when fine)."""
    if f.kind in ("nik", "number", "money", "year"):
        value = ascii_digits(value)
    if f.choices and value not in {c for c, _label in f.choices}:
        names = ", ".join(label for _c, label in f.choices)
        return value, f"{f.label}: pilih salah satu dari {names}."
    if f.kind == "date":
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return value, f"{f.label}: tanggal tidak valid (format TTTT-BB-HH)."
        if f.past and day > today:
            return value, f"{f.label}: tidak boleh sesudah hari ini."
        if day.year < 1900 or day.year > today.year + 5:
            return value, f"{f.label}: tahun {day.year} tidak masuk akal."
        return day.isoformat(), ""
    if f.kind in ("number", "money"):
        digits = _amount(value, money=f.kind == "money")
        if digits is None:
            if f.kind == "money":
                return value, f"{f.label}: tulis jumlah rupiah tanpa sen, mis. 1.500.000."
            return value, f"{f.label}: harus berupa angka bulat, mis. 3."
        return digits, ""
    if f.kind == "nik":
        digits = value.replace(" ", "").replace(".", "")
        if not re.fullmatch(r"[0-9]{16}", digits):
            return value, f"{f.label}: NIK harus 16 angka."
        return digits, ""
    if f.kind == "year":
        if not (re.fullmatch(r"[0-9]{4}", value) and 1900 <= int(value) <= today.year):
            return value, f"{f.label}: tulis tahun empat angka, tidak sesudah {today.year}."
    return value, ""


def clean_fields(
    letter_type: LetterType, data: dict[str, Any], subject: Resident | None = None
) -> dict[str, Any]:
    """The request's fields, checked and normalised; with the subject, also checked against
    the registry (the type's `check_fields`). Errors name the field, in Bahasa Indonesia."""
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    today = timezone.localdate()
    for f in letter_type.fields:
        value = str(data.get(f.name) or "").strip()
        if len(value) > 1000:
            errors[f.name] = f"{f.label}: paling banyak 1000 karakter."
            continue
        if not value:
            if f.required:
                errors[f.name] = f"{f.label} wajib diisi."
            cleaned[f.name] = ""
            continue
        value, error = _field_error(f, value, today)
        if error:
            errors[f.name] = error
        cleaned[f.name] = value
    if not errors and subject is not None and letter_type.check_fields is not None:
        errors = letter_type.check_fields(subject, cleaned)
    if errors:
        raise ValidationError(errors)
    return cleaned


def check_subject(letter_type: LetterType, subject: Resident) -> None:
    message = letter_type.subject.check(subject)
    if message:
        raise ValidationError(
            {"subject": f"{message} (Surat {letter_type.name}: {letter_type.subject.label}.)"}
        )
