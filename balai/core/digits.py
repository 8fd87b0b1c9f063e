"""Digits of any script as ASCII, before any rule looks at a number.

A phone or a kiosk keyboard set to Arabic may send `٢٦٠٦٤٦` for 260646; Python's
str.isdigit() and the regex `\\d` accept it, int() reads it, but a comparison with an ASCII
string does not: a PIN in Arabic-Indic digits equal to the birth date passed the "not your
birth date" rule. Every NIK, KK number, PIN and numeric code typed by a person goes through
`ascii_digits` first (forms, the kiosk, letters' fields, the API, imports).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms


def ascii_digits(value: str) -> str:
    """Each decimal digit of any script (Arabic-Indic ٠-٩, Persian ۰-۹, Devanagari ०-९,
    full-width ０-９, ...) as its ASCII digit; every other character as it was. Superscripts
    and other characters that are digits only typographically ('²') are left alone, for the
    rules to refuse."""
    if value.isascii():
        return value
    return "".join(str(d) if (d := unicodedata.decimal(ch, None)) is not None else ch for ch in value)


def only_digits(value: object) -> str:
    """The ASCII digits of a value, after `ascii_digits`; separators and the rest dropped."""
    return "".join(ch for ch in ascii_digits(str(value)) if "0" <= ch <= "9")


class DigitsField(forms.CharField):
    """A text field for a number kept as text (NPSN, codes): its digits are ASCII before
    the field's validators run."""

    def to_python(self, value: Any) -> str:
        return ascii_digits(super().to_python(value) or "")
