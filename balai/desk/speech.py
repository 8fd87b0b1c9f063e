"""What the calling display says: "Nomor antrean A dua belas, silakan ke Loket 1."

Numbers are spoken as Indonesian words (the browser's id-ID voice reads "012" digit by digit
or not at all, depending on the voice), the letter as itself.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from balai.core.words import terbilang


def number_words(n: int) -> str:
    """Indonesian words for 0 <= n < 10000 (terbilang)."""
    if n < 0 or n >= 10000:
        raise ValueError(n)
    return terbilang(n)


def call_sentence(label: str, counter: str) -> str:
    """`A-012`, `Loket 1` -> "Nomor antrean, A, dua belas. Silakan ke Loket 1." """
    code, _sep, digits = label.partition("-")
    spoken = number_words(int(digits)) if digits.isdigit() else digits
    return _("Nomor antrean, %(code)s, %(number)s. Silakan ke %(counter)s.") % {
        "code": code,
        "number": spoken,
        "counter": counter,
    }
