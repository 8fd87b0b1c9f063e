"""What the calling display says: "Nomor antrean A dua belas, silakan ke Loket 1."

Numbers are spoken as Indonesian words (the browser's id-ID voice reads "012" digit by digit
or not at all, depending on the voice), the letter as itself.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

_ONES = [
    "nol",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
    "sebelas",
]


def number_words(n: int) -> str:
    """Indonesian words for 0 <= n < 10000 (terbilang)."""
    if n < 0 or n >= 10000:
        raise ValueError(n)
    if n < 12:
        return _ONES[n]
    if n < 20:
        return f"{_ONES[n - 10]} belas"
    if n < 100:
        tens, rest = divmod(n, 10)
        return f"{_ONES[tens]} puluh" + (f" {_ONES[rest]}" if rest else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = "seratus" if hundreds == 1 else f"{_ONES[hundreds]} ratus"
        return head + (f" {number_words(rest)}" if rest else "")
    thousands, rest = divmod(n, 1000)
    head = "seribu" if thousands == 1 else f"{_ONES[thousands]} ribu"
    return head + (f" {number_words(rest)}" if rest else "")


def call_sentence(label: str, counter: str) -> str:
    """`A-012`, `Loket 1` -> "Nomor antrean, A, dua belas. Silakan ke Loket 1." """
    code, _sep, digits = label.partition("-")
    spoken = number_words(int(digits)) if digits.isdigit() else digits
    return _("Nomor antrean, %(code)s, %(number)s. Silakan ke %(counter)s.") % {
        "code": code,
        "number": spoken,
        "counter": counter,
    }
